// The passage constraint on a fake vocabulary: the substring index, the answer grammar, masking
// by logits, the token budget, multi-byte text and escapes. No model: logits are made up.
#include "engine/passage_chooser.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <set>

namespace uniner::engine {
namespace {

// Token 0 is the end of generation, 1 a control token (no text), 2..257 the 256 single bytes
// (as byte-fallback vocabularies have), then multi-byte pieces, SentencePiece-style leading
// spaces rendered as " x" included.
std::shared_ptr<const PieceTable> fake_table() {
  std::vector<std::string> pieces = {"", ""};
  for (int b = 0; b < 256; ++b) pieces.emplace_back(1, static_cast<char>(b));
  for (const char* p :
       {"[\"",    "\"]", "\", \"", "\",",   "[]", " [",   "Paris", " Paris", "Lyon",
        " lived", " in", "Zola",   "Émile", "É",  "mile", "東京",  "京",     "大都市",
        "\\\"",   "\\n", "said",   " \"",   "\\", "is",   "ar",    "\"Par"}) {
    pieces.emplace_back(p);
  }
  std::vector<bool> end(pieces.size(), false);
  end[0] = true;
  return std::make_shared<const PieceTable>(std::move(pieces), end);
}

TokenId id_of(const PieceTable& t, const std::string& piece) {
  for (std::size_t i = 2; i < t.size(); ++i)
    if (t.piece(static_cast<TokenId>(i)) == piece) return static_cast<TokenId>(i);
  ADD_FAILURE() << "no piece " << piece;
  return 0;
}

struct Answer {
  std::string text;
  bool ended = false;  // the chooser returned the end of generation
};

// Generates with the logits `logits_for` gives at each step, as the decode loops do.
template <class Logits>
Answer generate(const std::shared_ptr<const PassageConstraint>& window, int budget,
                Logits logits_for) {
  auto chooser = make_passage_chooser(window, budget);
  const auto& table = window->pieces();
  Answer a;
  for (int step = 0; step < budget; ++step) {
    const std::vector<float> logits = logits_for(step);
    const TokenId t = chooser->choose(logits.data(), static_cast<int>(logits.size()));
    if (table.is_end(t)) {
      a.ended = true;
      break;
    }
    a.text += table.piece(t);
    chooser->accept(t);
  }
  return a;
}

// Every item of a JSON list answer, decoded; fails the test when it is not one.
std::vector<std::string> items(const std::string& answer) {
  const auto j = nlohmann::json::parse(answer, nullptr, /*allow_exceptions=*/false);
  EXPECT_TRUE(j.is_array()) << answer;
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    EXPECT_TRUE(e.is_string()) << answer;
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

TEST(SubstringIndex, AcceptsExactlyTheSubstrings) {
  std::mt19937 rng(1);
  for (int round = 0; round < 50; ++round) {
    std::string text;
    const std::size_t n = rng() % 40;
    for (std::size_t i = 0; i < n; ++i) text += static_cast<char>('a' + rng() % 3);
    const SubstringIndex index(text);
    EXPECT_LE(index.size(), 2 * n + 1);
    for (int probe = 0; probe < 200; ++probe) {
      std::string s;
      const std::size_t m = rng() % 8;
      for (std::size_t i = 0; i < m; ++i) s += static_cast<char>('a' + rng() % 3);
      EXPECT_EQ(index.contains(s), text.find(s) != std::string::npos) << text << " / " << s;
    }
  }
}

TEST(PassageChooser, MasksWhatIsNotInThePassageAndEndsOnlyAfterTheList) {
  const auto table = fake_table();
  auto window = std::make_shared<const PassageConstraint>(table, "Émile Zola lived in Paris.");
  // A model that always prefers, in order: the end, "Lyon", then "[\"", "Paris", "\"]".
  const std::vector<std::string> ranking = {"Lyon", "[\"", "Paris", "\"]"};
  const auto logits = [&](int) {
    std::vector<float> l(table->size(), 0.0f);
    l[0] = 10;
    float v = 9;
    for (const auto& p : ranking) l[static_cast<std::size_t>(id_of(*table, p))] = v--;
    return l;
  };
  const Answer a = generate(window, 32, logits);
  EXPECT_EQ(a.text, "[\"Paris\"]");
  EXPECT_TRUE(a.ended);
}

TEST(PassageChooser, KeepsGreedysChoiceWhenItIsAllowed) {
  const auto table = fake_table();
  auto window = std::make_shared<const PassageConstraint>(table, "Émile Zola lived in Paris.");
  const std::vector<std::string> script = {" [", "\"", "Émile", "\", \"", "Paris", "\"]"};
  const auto logits = [&](int step) {
    std::vector<float> l(table->size(), 0.0f);
    if (step < static_cast<int>(script.size()))
      l[static_cast<std::size_t>(id_of(*table, script[static_cast<std::size_t>(step)]))] = 5;
    else
      l[0] = 5;
    return l;
  };
  const Answer a = generate(window, 32, logits);
  EXPECT_EQ(a.text, " [\"Émile\", \"Paris\"]");
  EXPECT_TRUE(a.ended);
}

TEST(PassageChooser, RandomModelsAnswerListsOfPassageText) {
  const auto table = fake_table();
  const std::vector<std::string> passages = {
      "Émile Zola lived in Paris.", "東京とニューヨークは大都市です。",
      "He said \"hi\" to C:\\dir\nthen\tleft.", "a", "Emoji 🦙 and ½."};
  std::mt19937 rng(7);
  std::set<std::string> seen;
  for (const auto& passage : passages) {
    auto window = std::make_shared<const PassageConstraint>(table, passage);
    for (int round = 0; round < 200; ++round) {
      const int budget = 4 + static_cast<int>(rng() % 40);
      const auto logits = [&](int) {
        std::vector<float> l(table->size());
        std::normal_distribution<float> d;
        for (auto& x : l) x = d(rng);
        return l;
      };
      const Answer a = generate(window, budget, logits);
      for (const auto& item : items(a.text)) {
        EXPECT_FALSE(item.empty()) << a.text;
        EXPECT_NE(passage.find(item), std::string::npos) << passage << " / " << a.text;
        seen.insert(item);
      }
    }
  }
  EXPECT_GT(seen.size(), 50u) << "random logits reach many different items";
}

TEST(PassageChooser, ABudgetStillEndsInAClosedList) {
  const auto table = fake_table();
  const std::string passage = "Émile Zola lived in Paris.";
  auto window = std::make_shared<const PassageConstraint>(table, passage);
  // The model wants to go on forever: long items, never the closing quote or bracket.
  const auto logits = [&](int) {
    std::vector<float> l(table->size(), 0.0f);
    l[0] = 9;
    l[static_cast<std::size_t>(id_of(*table, "[\""))] = 8;
    l[static_cast<std::size_t>(id_of(*table, "\", \""))] = 7;
    l[static_cast<std::size_t>(id_of(*table, "É"))] = 6;
    for (int b = 0x80; b < 0xC0; ++b) l[static_cast<std::size_t>(2 + b)] = 5;
    l[static_cast<std::size_t>(id_of(*table, "mile"))] = 4;
    return l;
  };
  for (int budget = 2; budget < 20; ++budget) {
    const Answer a = generate(window, budget, logits);
    EXPECT_EQ(a.text.back(), ']') << budget << ": " << a.text;
    for (const auto& item : items(a.text)) EXPECT_NE(passage.find(item), std::string::npos);
  }
}

TEST(PassageChooser, ByteTokensBuildMultiByteCharactersWhole) {
  const auto table = fake_table();
  auto window = std::make_shared<const PassageConstraint>(table, "京都");
  // Prefers single bytes, the higher the better: the lead byte of 都 (E9, above 京's E4), then
  // its continuation bytes; the closing quote, preferred from step 3, waits for the whole
  // character.
  const auto logits = [&](int step) {
    std::vector<float> l(table->size(), 0.0f);
    for (int b = 0; b < 256; ++b) l[static_cast<std::size_t>(2 + b)] = 1.0f + 0.001f * b;
    l[static_cast<std::size_t>(id_of(*table, "[\""))] = step == 0 ? 3 : 0;
    l[static_cast<std::size_t>(id_of(*table, "\"]"))] = step >= 3 ? 4 : 2;
    return l;
  };
  const Answer a = generate(window, 16, logits);
  const auto got = items(a.text);
  ASSERT_EQ(got.size(), 1u) << a.text;
  EXPECT_EQ(got[0], "都");
  EXPECT_EQ(a.text, "[\"都\"]");
}

}  // namespace
}  // namespace uniner::engine
