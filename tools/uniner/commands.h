// The subcommands of `uniner`. Each add_* registers its options on `app` and returns the function
// that runs it (parse -> fill the library's options -> call the library -> exit code).
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace uniner::cli {

using Runner = std::function<int()>;

Runner add_prompt_command(CLI::App& app);
Runner add_eval_command(CLI::App& app);
Runner add_extract_command(CLI::App& app);
Runner add_init_model_command(CLI::App& app);
Runner add_passages_command(CLI::App& app);
Runner add_stats_command(CLI::App& app);
Runner add_build_data_command(CLI::App& app);
Runner add_convert_command(CLI::App& app);
Runner add_annotate_command(CLI::App& app);
Runner add_merge_command(CLI::App& app);
Runner add_export_command(CLI::App& app);
Runner add_import_hf_command(CLI::App& app);
Runner add_bench_command(CLI::App& app);
Runner add_synth_command(CLI::App& app);
Runner add_train_vocab_command(CLI::App& app);
Runner add_serve_command(CLI::App& app);
#ifdef UNINER_WITH_TRAINING
Runner add_train_command(CLI::App& app);
#endif

}  // namespace uniner::cli
