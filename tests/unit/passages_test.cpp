#include "uniner/data/passages.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "support/test_support.h"
#include "text/utf8.h"
#include "uniner/data/passage_splitter.h"
#include "uniner/error.h"

namespace uniner {
namespace {

using testing::TempDir;

// A stand-in tokenizer: one token per whitespace-separated word.
std::size_t count_words(std::string_view s) {
  std::size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    n += !space && !in_word;
    in_word = !space;
  }
  return n;
}

// One token per code point.
std::size_t count_code_points_fn(std::string_view s) {
  return count_code_points(s);
}

std::vector<std::string> split_words(std::string_view text, std::size_t max) {
  return split_passages(text, max, count_words);
}

std::string without_space(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\t' && c != '\r') out.push_back(c);
  return out;
}

TEST(PassageSplitter, CutsAtSentenceEnds) {
  EXPECT_EQ(split_words("A b c. D e f. G h i.", 6),
            (std::vector<std::string>{"A b c. D e f.", "G h i."}));
  // a short first sentence is a passage of its own rather than a cut inside the next one
  EXPECT_EQ(split_words("One two three four five. Six seven eight nine ten eleven.", 5),
            (std::vector<std::string>{"One two three four five.", "Six seven eight nine ten",
                                      "eleven."}));
  EXPECT_EQ(split_words("Is it? Yes! Really... ok", 2),
            (std::vector<std::string>{"Is it?", "Yes! Really...", "ok"}));
  // closing quotes and brackets stay with their sentence
  EXPECT_EQ(split_words("He said \"go.\" Then (he left.) Fine", 3),
            (std::vector<std::string>{"He said \"go.\"", "Then (he left.)", "Fine"}));
  EXPECT_EQ(split_words("Short text.", 256), std::vector<std::string>{"Short text."});
  EXPECT_TRUE(split_words("  \n\t ", 5).empty());
}

TEST(PassageSplitter, ThenLineBreaksThenWhitespaceThenHardCut) {
  EXPECT_EQ(split_words("line one\nline two\nline three", 5),
            (std::vector<std::string>{"line one\nline two", "line three"}));
  EXPECT_EQ(split_words("Title\n\nBody text here and more", 3),
            (std::vector<std::string>{"Title", "Body text here", "and more"}));
  EXPECT_EQ(split_words("a b c d e f g h i j", 4),
            (std::vector<std::string>{"a b c d", "e f g h", "i j"}));
  // hard cut: code points, never inside a multi-byte character
  const auto parts = split_passages(
      "\xC3\xA9\xC3\xA9\xC3\xA9\xE2\x82\xAC\xE2\x82\xAC\xF0\x9F\x98\x80x", 3, count_code_points_fn);
  EXPECT_EQ(parts, (std::vector<std::string>{"\xC3\xA9\xC3\xA9\xC3\xA9",
                                             "\xE2\x82\xAC\xE2\x82\xAC\xF0\x9F\x98\x80", "x"}));
  // CJK full stops end sentences without a following space
  EXPECT_EQ(split_passages("\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x82\xE5\x86\x8D\xE8\xA7\x81", 3,
                           count_code_points_fn),
            (std::vector<std::string>{"\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x82",
                                      "\xE5\x86\x8D\xE8\xA7\x81"}));
}

// Counters whose counts do not add up over pieces (the splitter's estimate is then off), to show
// that every passage is still checked exactly.
std::size_t count_superadditive(std::string_view s) {
  return count_words(s) + 2 * static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')) +
         (s.size() > 50 ? 1 : 0);
}
std::size_t count_subadditive(std::string_view s) {
  const std::size_t words = count_words(s);
  return words - std::min(words / 2, static_cast<std::size_t>(std::count(s.begin(), s.end(), '.')));
}

TEST(PassageSplitter, StreamingInAnyChunksGivesTheSamePassagesAndLosesNothing) {
  std::mt19937 gen(5);
  const std::vector<std::string> words = {"alpha",  "b\xC3\xA9ta", "gamma",  "\xE2\x82\xAC",
                                          "delta.", "eps!",        "zeta\n", "eta\n\n",
                                          "theta?", "iota"};
  const TokenCounter counters[] = {count_words, count_superadditive, count_subadditive};
  for (int round = 0; round < 60; ++round) {
    const TokenCounter& count = counters[round % 3];
    std::string doc;
    const int n = 200 + static_cast<int>(gen() % 3000);
    for (int i = 0; i < n; ++i) doc += words[gen() % words.size()] + (gen() % 7 ? " " : "  ");
    const std::size_t max = 4 + gen() % 60;
    const auto whole = split_passages(doc, max, count);
    std::vector<std::string> streamed;
    PassageSplitter splitter(max, count, [&](std::string&& p) { streamed.push_back(p); });
    std::size_t i = 0;
    while (i < doc.size()) {
      std::size_t len = std::min<std::size_t>(1 + gen() % 200, doc.size() - i);
      while (i + len < doc.size() && (static_cast<unsigned char>(doc[i + len]) & 0xC0) == 0x80) {
        ++len;  // chunks end on code-point boundaries
      }
      splitter.feed(std::string_view(doc).substr(i, len));
      i += len;
    }
    splitter.finish();
    ASSERT_EQ(streamed, whole) << "round " << round;
    std::string joined;
    for (const auto& p : whole) {
      EXPECT_LE(count(p), max) << "round " << round << ": " << p;
      EXPECT_FALSE(p.empty());
      EXPECT_FALSE(p.front() == ' ' || p.back() == ' ' || p.back() == '\n');
      joined += p;
    }
    EXPECT_EQ(without_space(joined), without_space(doc));
  }
}

TEST(PassageSplitter, MemoryStaysBoundedOnAHugeDocument) {
  // 8 MB without a single sentence end: passages must come out while feeding.
  std::size_t emitted = 0, largest_buffer_hint = 0;
  PassageSplitter splitter(32, count_words, [&](std::string&& p) {
    ++emitted;
    largest_buffer_hint = std::max(largest_buffer_hint, p.size());
  });
  std::string words;
  for (int i = 0; i < 16 * 1024; ++i) words += "word ";
  std::size_t emitted_before_finish = 0;
  for (int i = 0; i < 100; ++i) splitter.feed(words);
  emitted_before_finish = emitted;
  splitter.finish();
  EXPECT_EQ(emitted, 100u * 16 * 1024 / 32);
  EXPECT_GT(emitted_before_finish, emitted - 10);  // nearly everything before finish()
  EXPECT_LE(largest_buffer_hint, 32u * 5);
}

std::string run_passages(const std::vector<std::string>& inputs, PassagesOptions o,
                         PassagesReport* report = nullptr,
                         std::vector<std::string>* warnings = nullptr) {
  std::ostringstream out;
  DataCallbacks cb;
  cb.warning = [&](const std::string& w) {
    if (warnings) warnings->push_back(w);
  };
  const auto r = make_passages(inputs, out, o, count_words, cb);
  if (report) *report = r;
  return out.str();
}

std::vector<nlohmann::json> lines_of(const std::string& jsonl) {
  std::vector<nlohmann::json> out;
  std::istringstream in(jsonl);
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(Passages, DeduplicatesAcrossDocumentsAndNumbersInCorpusOrder) {
  TempDir dir;
  const auto a = dir.write("a.txt", "One two. Three four.\n\nFive six.");
  const auto b = dir.write("b.jsonl",
                           "{\"text\": \"One two. Seven eight.\"}\n"
                           "{\"body\": \"Nine.\", \"text\": \"Five six.\"}\n");
  PassagesOptions o;
  o.max_tokens = 2;
  PassagesReport r;
  const auto out = lines_of(run_passages({a, b}, o, &r));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0], (nlohmann::json{{"id", "passage_0"}, {"text", "One two."}}));
  EXPECT_EQ(out[1]["text"], "Three four.");
  EXPECT_EQ(out[2]["text"], "Five six.");
  EXPECT_EQ(out[3], (nlohmann::json{{"id", "passage_3"}, {"text", "Seven eight."}}));
  EXPECT_EQ(r.documents, 3u);
  EXPECT_EQ(r.duplicates, 2u);
  EXPECT_EQ(r.passages, 4u);
  o.field = "body";
  o.format = CorpusFormat::kJsonl;
  std::vector<std::string> warnings;
  const auto body = lines_of(run_passages({b}, o, &r, &warnings));
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body[0]["text"], "Nine.");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("b.jsonl:1: missing string field 'body'"), std::string::npos);
  o.strict = true;
  EXPECT_THROW(run_passages({b}, o), InputError);
}

TEST(Passages, SampleIsReproducibleSizedAndUniform) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 100; ++i) text += std::string("Sentence number ") + std::to_string(i) + ". ";
  const auto file = dir.write("c.txt", text);
  PassagesOptions o;
  o.max_tokens = 3;
  o.sample = 10;
  o.seed = 1;
  const auto first = run_passages({file}, o);
  EXPECT_EQ(first, run_passages({file}, o));
  const auto rows = lines_of(first);
  ASSERT_EQ(rows.size(), 10u);
  for (std::size_t i = 1; i < rows.size(); ++i) {  // corpus order kept
    EXPECT_LT(std::stoi(rows[i - 1]["id"].get<std::string>().substr(8)),
              std::stoi(rows[i]["id"].get<std::string>().substr(8)));
  }
  o.seed = 2;
  EXPECT_NE(first, run_passages({file}, o));
  // each passage is kept with probability 10/100: counts over 1000 seeds are ~100 each
  std::vector<int> kept(100, 0);
  for (std::uint64_t seed = 0; seed < 1000; ++seed) {
    o.seed = seed;
    for (const auto& r : lines_of(run_passages({file}, o))) {
      ++kept[std::stoi(r["id"].get<std::string>().substr(8))];
    }
  }
  for (int k : kept) {
    EXPECT_GT(k, 55);  // mean 100, sd ~9.5: a 4.7 sd band
    EXPECT_LT(k, 145);
  }
  o.sample = 1000;  // more than there is: everything
  EXPECT_EQ(lines_of(run_passages({file}, o)).size(), 100u);
}

TEST(Passages, InvalidUtf8InTextIsReplacedOrRejected) {
  TempDir dir;
  const auto file = dir.write("bad.txt", "Good line.\nBad \xFF byte.\n");
  PassagesOptions o;
  PassagesReport r;
  std::vector<std::string> warnings;
  const auto rows = lines_of(run_passages({file}, o, &r, &warnings));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["text"], "Good line.\nBad \xEF\xBF\xBD byte.");
  EXPECT_EQ(r.invalid_utf8, 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("bad.txt:2: invalid UTF-8"), std::string::npos) << warnings[0];
  o.strict = true;
  try {
    run_passages({file}, o);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.txt:2: invalid UTF-8"), std::string::npos);
  }
  EXPECT_THROW(run_passages({dir.file("missing.txt")}, PassagesOptions{}), InputError);
}

TEST(Passages, MultiByteCharactersAcrossReadChunksSurvive) {
  TempDir dir;
  // "ab " * 349525 is 2^20 - 1 bytes: the 1 MiB read boundary falls inside the "\xC3\xA9".
  std::string text;
  for (int i = 0; i < 349525; ++i) text += "ab ";
  text += "\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80.";
  const auto file = dir.write("big.txt", text);
  PassagesOptions o;
  o.max_tokens = 100;
  PassagesReport r;
  const auto rows = lines_of(run_passages({file}, o, &r));
  EXPECT_EQ(r.invalid_utf8, 0u);
  ASSERT_EQ(rows.size(), 2u);  // "ab ab ... ab" once, then duplicates, then the tail
  EXPECT_TRUE(
      rows.back()["text"].get<std::string>().ends_with("ab \xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80."));
}

TEST(Passages, DirectoriesAreReadInNameOrder) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("corpus/sub"));
  dir.write("corpus/b.txt", "Bee.");
  dir.write("corpus/a.txt", "Ay.");
  dir.write("corpus/sub/c.txt", "Sea.");
  const auto rows = lines_of(run_passages({dir.file("corpus")}, PassagesOptions{}));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["text"], "Ay.");
  EXPECT_EQ(rows[1]["text"], "Bee.");
  EXPECT_EQ(rows[2]["text"], "Sea.");
}

// Issue 11: the splitter kept its look-ahead (grown by a long first document) for the next one,
// so a document's passages came out later (and more of it was buffered) after a long document.
TEST(PassageSplitter, EachDocumentStartsAfresh) {
  std::string words;
  for (int i = 0; i < 500; ++i) {
    words += 'w';
    words += static_cast<char>('0' + i % 10);
    words += i % 7 == 6 ? ". " : " ";
  }
  const auto emitted_before_finish = [&](bool after_long_document) {
    std::vector<std::string> out;
    PassageSplitter s(4, count_words, [&](std::string&& p) { out.push_back(std::move(p)); });
    if (after_long_document) {
      s.feed(std::string(200'000, 'x'));  // one word: the look-ahead doubles to hold it
      s.finish();
      out.clear();
    }
    s.feed(words);
    const std::size_t early = out.size();
    s.finish();
    return std::make_pair(early, out);
  };
  const auto fresh = emitted_before_finish(false);
  const auto after = emitted_before_finish(true);
  EXPECT_GT(fresh.first, 100u);
  EXPECT_EQ(after.first, fresh.first);
  EXPECT_EQ(after.second, fresh.second);
}
// Issue 11: a UTF-8 byte order mark is skipped, never part of the first passage.
TEST(Passages, ByteOrderMarkIsSkipped) {
  TempDir dir;
  const auto rows =
      lines_of(run_passages({dir.write("bom.txt", "\xEF\xBB\xBFGood line.\n")}, PassagesOptions{}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["text"], "Good line.");
}
}  // namespace
}  // namespace uniner
