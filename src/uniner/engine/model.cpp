#include "uniner/engine/model.h"

#include <algorithm>
#include <thread>

#include "engine/model_impl.h"
#include "uniner/error.h"

namespace uniner {

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

const Model::Impl& engine::Access::model(const Model& m) {
  return *m.impl_;
}

namespace {

Vocab borrow_vocab(const llama_model* model) {
  auto impl = std::make_unique<Vocab::Impl>();
  impl->vocab = llama_model_get_vocab(model);
  impl->model = model;
  return engine::Access::make_vocab(std::move(impl));
}

}  // namespace

bool gpu_offload_supported() {
  engine::ensure_backend();
  return llama_supports_gpu_offload();
}

Model Model::load(const std::string& path, const ModelOptions& options) {
  if (options.parallel < 1 || options.parallel > 256) {
    throw InputError("parallel sequences must be between 1 and 256, got " +
                     std::to_string(options.parallel));
  }
  if (options.context_size < 64 || options.batch_size < 1 || options.ubatch_size < 1) {
    throw InputError("context size must be at least 64 (got " +
                     std::to_string(options.context_size) + ") and batch sizes positive (got " +
                     std::to_string(options.batch_size) + " and " +
                     std::to_string(options.ubatch_size) + ")");
  }
  auto params = llama_model_default_params();
  params.n_gpu_layers = options.gpu_layers;
  auto impl = std::make_unique<Impl>(Impl{engine::load_model_file(path, params), options,
                                          engine::Access::make_vocab(nullptr), {}, path});
  impl->vocab = borrow_vocab(impl->model.get());
  const Vocab& v = impl->vocab;
  if (v.eos() < 0) throw InputError(path + ": the vocabulary has no end-of-sequence token");
  impl->prompt = v.prompt_template();
  if (!options.lora_path.empty()) {
    engine::ErrorLogCapture why;  // llama.cpp logs the reason: it becomes the message
    impl->lora = llama_adapter_lora_init(impl->model.get(), options.lora_path.c_str());
    if (impl->lora == nullptr) {
      throw InputError(options.lora_path + ": cannot apply this LoRA adapter to " + path + ": " +
                       (why.text().empty() ? "llama.cpp refused it" : why.text()));
    }
  }
  // The separator ends every answer: it must be one token at which generation stops.
  const auto sep = v.tokenize(impl->prompt.separator, /*add_bos=*/false, /*parse_special=*/true);
  if (sep.size() != 1 || !v.is_end_of_generation(sep[0])) {
    throw InputError(path + ": the turn separator '" + impl->prompt.separator +
                     "' is not one end-of-sequence token of the vocabulary");
  }
  return Model(std::move(impl));
}

const Vocab& Model::vocab() const {
  return impl_->vocab;
}
const PromptTemplate& Model::prompt_template() const {
  return impl_->prompt;
}
const ModelOptions& Model::options() const {
  return impl_->options;
}
int Model::trained_context() const {
  return llama_model_n_ctx_train(impl_->model.get());
}

std::string Model::description() const {
  char buf[256];
  llama_model_desc(impl_->model.get(), buf, sizeof buf);
  return buf;
}

engine::ContextPtr Model::Impl::new_context() const {
  auto cp = llama_context_default_params();
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  cp.n_ctx = static_cast<uint32_t>(options.context_size);
  cp.n_batch = static_cast<uint32_t>(options.batch_size);
  cp.n_ubatch = static_cast<uint32_t>(std::min(options.ubatch_size, options.batch_size));
  cp.n_seq_max = static_cast<uint32_t>(options.parallel);
  cp.n_threads = threads;
  cp.n_threads_batch = threads;
  cp.kv_unified = true;
  cp.no_perf = true;
  engine::ContextPtr ctx(llama_init_from_model(model.get(), cp));
  if (!ctx) {
    throw Error(path + ": cannot create a llama.cpp context (ctx " +
                std::to_string(options.context_size) + "); a smaller context needs less memory");
  }
  if (lora != nullptr) {
    float scale = options.lora_scale;
    llama_adapter_lora* adapters[] = {lora};
    if (llama_set_adapters_lora(ctx.get(), adapters, 1, &scale) != 0) {
      throw Error(options.lora_path + ": llama.cpp could not apply the adapter to a context");
    }
  }
  return ctx;
}

}  // namespace uniner
