// The benchmark runner's reports without a model: the domain map, the paper's numbers, and the
// three renderers on a hand-made report.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"
#include "uniner/benchmark/report.h"
#include "uniner/error.h"

namespace uniner {
namespace {

using testing::TempDir;

TEST(DomainMap, TabsOrSpacesCommentsAndBlankLines) {
  TempDir dir;
  const auto path = dir.write("map.txt", "# comment\n\nCrossNER_AI\tscience \nmit-movie   movie reviews\r\n");
  const auto map = read_domain_map(path);
  ASSERT_EQ(map.size(), 2u);
  EXPECT_EQ(map[0], (std::pair<std::string, std::string>{"CrossNER_AI", "science"}));
  EXPECT_EQ(map[1], (std::pair<std::string, std::string>{"mit-movie", "movie reviews"}));
}

TEST(DomainMap, ALineWithoutADomainOrATwiceMappedDatasetNamesTheLine) {
  TempDir dir;
  try {
    read_domain_map(dir.write("a.txt", "x y\nlonely\n"));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("a.txt:2:"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_domain_map(dir.write("b.txt", "x y\nx z\n")), InputError);
  EXPECT_NO_THROW(read_domain_map(dir.write("c.txt", "x y\nx y\n")));
  EXPECT_THROW(read_domain_map(dir.file("missing.txt")), InputError);
}

TEST(Published, TheSevenDatasetsOfTheRecipe) {
  EXPECT_DOUBLE_EQ(*published_uniner_f1("CrossNER_AI"), 0.535);
  EXPECT_DOUBLE_EQ(*published_uniner_f1("mit-restaurant"), 0.317);
  EXPECT_FALSE(published_uniner_f1("crossner_ai"));
  EXPECT_FALSE(published_uniner_f1("conll2003"));
}

BenchReport sample() {
  BenchReport r;
  r.model.description = "llama <tiny> & co";
  BenchDataset a;
  a.name = "CrossNER_AI";
  a.domain = "science";
  a.eval.scores = {0.5, 0.25, 1.0 / 3};
  a.published_f1 = 0.535;
  BenchDataset b;
  b.name = "a|b";
  b.eval.scores = {0.1, 0.1, 0.1};
  r.datasets = {a, b};
  r.average = {0.3, 0.175, (1.0 / 3 + 0.1) / 2};
  r.domains = {{"science", {"CrossNER_AI"}, a.eval.scores}};
  return r;
}

TEST(BenchReports, MarkdownJsonAndSvg) {
  const BenchReport r = sample();
  const std::string md = bench_markdown(r);
  EXPECT_NE(md.find("| CrossNER_AI | science |"), std::string::npos) << md;
  EXPECT_NE(md.find("| a\\|b |"), std::string::npos) << md;  // '|' escaped in a cell
  EXPECT_NE(md.find("33.33 | 53.50 |"), std::string::npos) << md;
  EXPECT_NE(md.find("F1 33.33 here, 53.50 for UniNER-7B"), std::string::npos) << md;

  const auto j = nlohmann::json::parse(bench_json(r));
  EXPECT_DOUBLE_EQ(j["datasets"][0]["f1"].get<double>(), 1.0 / 3);
  EXPECT_TRUE(j["datasets"][1]["domain"].is_null());
  EXPECT_DOUBLE_EQ(j["published"]["paper_f1"].get<double>(), 0.535);

  const std::string svg = bench_svg(r);
  EXPECT_NE(svg.find("llama &lt;tiny&gt; &amp; co"), std::string::npos);
  EXPECT_NE(svg.find(">33.3</text>"), std::string::npos);
  EXPECT_NE(svg.find(">53.5</text>"), std::string::npos);

  BenchReport plain = r;
  plain.options.published = false;
  EXPECT_EQ(bench_markdown(plain).find("UniNER-7B"), std::string::npos);
  EXPECT_EQ(bench_svg(plain).find("53.5"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(bench_json(plain))["published"].is_null());
}

}  // namespace
}  // namespace uniner
