#include "uniner/data/teacher_output.h"

#include <gtest/gtest.h>

namespace uniner {

void PrintTo(const TeacherEntity& e, std::ostream* os) {
  *os << "(" << e.entity << ", " << e.type << ")";
}

namespace {

using Entities = std::vector<TeacherEntity>;

Entities entities(std::string_view answer) {
  return parse_teacher_output(answer).entities;
}

const Entities kParisLyon = {{"Paris", "city"}, {"Lyon", "city"}};

TEST(TeacherOutput, ThePromptedFormat) {
  const auto out = parse_teacher_output(R"x([("Paris", "city"), ("Lyon", "city")])x");
  EXPECT_TRUE(out.parsed);
  EXPECT_EQ(out.entities, kParisLyon);
  EXPECT_EQ(out.skipped(), 0u);
}

TEST(TeacherOutput, SingleQuotes) {
  EXPECT_EQ(entities("[('Paris', 'city'), ('Lyon', 'city')]"), kParisLyon);
  EXPECT_EQ(entities(R"x([('Paris', "city"), ("Lyon", 'city')])x"), kParisLyon) << "mixed quotes";
}

TEST(TeacherOutput, EscapedQuotesAndApostrophes) {
  EXPECT_EQ(entities(R"x([('O\'Brien', 'person')])x"), (Entities{{"O'Brien", "person"}}));
  EXPECT_EQ(entities(R"x([("McDonald's", "company")])x"), (Entities{{"McDonald's", "company"}}));
  EXPECT_EQ(entities(R"x([('McDonald's', 'company')])x"), (Entities{{"McDonald's", "company"}}))
      << "an unescaped apostrophe inside single quotes";
  EXPECT_EQ(entities(R"x([("The \"Big\" Apple", "nickname")])x"),
            (Entities{{"The \"Big\" Apple", "nickname"}}));
  EXPECT_EQ(entities(R"x([("The "Big" Apple", "nickname")])x"),
            (Entities{{"The \"Big\" Apple", "nickname"}}))
      << "unescaped double quotes inside double quotes";
  EXPECT_EQ(entities(R"x([('Rock 'n' roll', 'genre')])x"), (Entities{{"Rock 'n' roll", "genre"}}));
  EXPECT_EQ(entities(R"x([("a\\b", "path")])x"), (Entities{{"a\\b", "path"}}));
  EXPECT_EQ(entities(R"x([("Z\u00fcrich", "city"), ("Caf\xe9", "place")])x"),
            (Entities{{"Z\xC3\xBCrich", "city"}, {"Caf\xC3\xA9", "place"}}));
  EXPECT_EQ(entities(R"x([("Smith, John", "person")])x"), (Entities{{"Smith, John", "person"}}))
      << "a comma inside a string";
  EXPECT_EQ(entities(R"x([("f(x)", "function"), ("a[0]", "expression")])x"),
            (Entities{{"f(x)", "function"}, {"a[0]", "expression"}}))
      << "brackets inside strings";
}

TEST(TeacherOutput, CodeFences) {
  EXPECT_EQ(entities("```python\n[(\"Paris\", \"city\"), (\"Lyon\", \"city\")]\n```"), kParisLyon);
  EXPECT_EQ(entities("Here you go:\n```\n[('Paris', 'city'), ('Lyon', 'city')]\n```\nDone [1]."),
            kParisLyon);
  EXPECT_EQ(entities("```\nno list here\n```\n[(\"Paris\", \"city\"), (\"Lyon\", \"city\")]"),
            kParisLyon)
      << "a fence without a list: the whole answer is read";
}

TEST(TeacherOutput, ProseBeforeAndAfter) {
  EXPECT_EQ(entities("Sure! Here are the entities [as requested]:\n"
                     "[(\"Paris\", \"city\"), (\"Lyon\", \"city\")]\n"
                     "Note (these are cities): [(\"x\", \"y\")]"),
            kParisLyon);
}

TEST(TeacherOutput, ListsSplitOverLines) {
  EXPECT_EQ(entities("[\n  (\"Paris\", \"city\"),\n  (\"Lyon\",\n   \"city\")\n]"), kParisLyon);
  EXPECT_EQ(entities("[(\"Paris\", \"city\")\n(\"Lyon\", \"city\")]"), kParisLyon)
      << "missing commas between tuples";
  EXPECT_EQ(entities("[\n1. (\"Paris\", \"city\"),\n2. (\"Lyon\", \"city\"),\n...\n]"), kParisLyon)
      << "numbering and ellipsis are noise";
}

TEST(TeacherOutput, TuplesWithoutBrackets) {
  const auto out = parse_teacher_output("(\"Paris\", \"city\")\n(\"Lyon\", \"city\")\n");
  EXPECT_TRUE(out.parsed);
  EXPECT_EQ(out.entities, kParisLyon);
  EXPECT_EQ(entities("1. ('Paris', 'city')\n2. ('Lyon', 'city')x"), kParisLyon);
}

TEST(TeacherOutput, JsonArraysOfArrays) {
  EXPECT_EQ(entities(R"x([["Paris", "city"], ["Lyon", "city"]])x"), kParisLyon);
  EXPECT_EQ(entities("```json\n[\n  [\"Paris\", \"city\"],\n  [\"Lyon\", \"city\"]\n]\n```"),
            kParisLyon);
}

TEST(TeacherOutput, TruncatedLastTuple) {
  for (const char* answer : {R"x([("Paris", "city"), ("Lyon", "city"), ("Mar)x",
                             R"x([("Paris", "city"), ("Lyon", "city"), ("Marseille", )x",
                             R"x([("Paris", "city"), ("Lyon", "city"), ()x",
                             R"x([("Paris", "city"), ("Lyon", "city"), ("Marseille", "ci\)x"}) {
    const auto out = parse_teacher_output(answer);
    EXPECT_TRUE(out.parsed) << answer;
    EXPECT_EQ(out.entities, kParisLyon) << answer;
    EXPECT_EQ(out.truncated, 1u) << answer;
  }
  const auto unclosed = parse_teacher_output(R"x([("Paris", "city"), ("Lyon", "city"))x");
  EXPECT_EQ(unclosed.entities, kParisLyon) << "a missing ']' loses nothing";
  EXPECT_EQ(unclosed.truncated, 0u);
}

TEST(TeacherOutput, TuplesThatAreNotPairsAreSkippedAndCounted) {
  const auto out = parse_teacher_output(
      R"x([("Paris", "city"), ("Lyon",), ("a", "b", "c"), "lonely", ("x", None),)x"
      R"x( ("y", ["t1", "t2"]), {"entity": "z", "type": "t"}, ("Lyon", "city")])x");
  EXPECT_EQ(out.entities, kParisLyon);
  EXPECT_EQ(out.not_pairs, 6u);
  EXPECT_EQ(out.skipped(), 6u);
}

TEST(TeacherOutput, EmptyMembersAndDuplicates) {
  const auto out = parse_teacher_output(
      R"x([("Paris", "city"), ("", "city"), ("  ", "x"), ("Lyon", ""), (" Paris ", "city "),)x"
      R"x( ("Lyon", "city")])x");
  EXPECT_EQ(out.entities, kParisLyon) << "members are trimmed, then deduplicated";
  EXPECT_EQ(out.empty, 3u);
  EXPECT_EQ(out.duplicates, 1u);
  EXPECT_EQ(out.skipped(), 4u);
}

TEST(TeacherOutput, BareWordsAndPythonPrefixes) {
  EXPECT_EQ(entities("[(Paris, city), (Lyon, city)]"), kParisLyon);
  EXPECT_EQ(entities("[(u'Paris', u'city'), (r\"Lyon\", 'city')]"), kParisLyon);
  EXPECT_EQ(entities("[(2019, \"year\")]"), (Entities{{"2019", "year"}}));
}

TEST(TeacherOutput, EmptyListParsesWithNoEntities) {
  for (const char* answer : {"[]", "There are no entities: []", "[ ]\n"}) {
    const auto out = parse_teacher_output(answer);
    EXPECT_TRUE(out.parsed) << answer;
    EXPECT_TRUE(out.entities.empty()) << answer;
    EXPECT_EQ(out.skipped(), 0u) << answer;
  }
}

TEST(TeacherOutput, NothingToParse) {
  for (const char* answer : {"", "I cannot identify entities in this passage.",
                             "Entities: Paris (city), Lyon (city)x", "[1] see the reference"}) {
    const auto out = parse_teacher_output(answer);
    EXPECT_FALSE(out.parsed) << answer;
    EXPECT_TRUE(out.entities.empty()) << answer;
  }
}

TEST(TeacherOutput, InvalidUtf8NeverCrashes) {
  const auto out = parse_teacher_output("[(\"Pa\xFFris\", \"city\"), (\"\xC3\", \"x\")]");
  EXPECT_EQ(out.entities.size(), 2u);
}

TEST(FindUnlocated, FlagsEntitiesMissingFromThePassage) {
  const Entities found = {{"Paris", "city"},
                          {"lyon", "city"},
                          {"Marseille", "city"},
                          {"Pa\xFFris", "city"},
                          {"Zürich", "city"}};
  EXPECT_EQ(find_unlocated("Paris and Lyon, not Zürich.", found), (std::vector<std::size_t>{2, 3}))
      << "case-insensitive matches count as found; invalid UTF-8 does not";
  EXPECT_TRUE(find_unlocated("", {}).empty());
}

// Issue 11: a member made only of Unicode whitespace survived the ASCII trim and never located.
TEST(TeacherOutput, UnicodeWhitespaceIsTrimmedAndEmptyMembersDropped) {
  const auto out = parse_teacher_output(
      "[(\"\u3000\", \"person\"), (\"Paris\", \"\u00a0\u2003\"), "
      "(\"\u3000Lyon\u00a0\", \"city\u2003\")]");
  EXPECT_EQ(out.entities, (Entities{{"Lyon", "city"}}));
  EXPECT_EQ(out.empty, 2u);
}

// Issue 11: the duplicate check was quadratic; 80,000 distinct pairs complete, in order.
TEST(TeacherOutput, EightyThousandDistinctPairs) {
  std::string answer = "[";
  for (int i = 0; i < 80'000; ++i) {
    answer += "(\"e";
    answer += std::to_string(i);
    answer += "\", \"t\"), ";
  }
  answer += "(\"e0\", \"t\"), (\"e0\", \"u\")]";
  const auto out = parse_teacher_output(answer);
  ASSERT_EQ(out.entities.size(), 80'001u);
  EXPECT_EQ(out.duplicates, 1u);
  EXPECT_EQ(out.entities[79'999].entity, "e79999");
  EXPECT_EQ(out.entities.back(), (TeacherEntity{"e0", "u"}));
  // A NUL inside a member does not make two different pairs collide.
  const auto nul = parse_teacher_output("[(\"a\\u0000\", \"b\"), (\"a\", \"\\u0000b\")]");
  EXPECT_EQ(nul.entities.size(), 2u);
}

// Issue 11: a million '[' or '(' in a teacher answer is no stack overflow.
TEST(TeacherOutput, DeepNestingNeverCrashes) {
  const auto out = parse_teacher_output(std::string(1'000'000, '[') + "(\"a\", \"b\")");
  EXPECT_TRUE(out.entities.empty());
  EXPECT_NO_THROW(parse_teacher_output("[" + std::string(1'000'000, '(') + "'x'"));
}
}  // namespace
}  // namespace uniner
