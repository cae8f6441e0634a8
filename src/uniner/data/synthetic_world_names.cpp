// The entity types of the synthetic world and their procedural name generators.
#include <array>
#include <initializer_list>

#include "data/synthetic_world_tables.h"

namespace uniner::synth {
namespace {

using List = std::initializer_list<std::string_view>;

std::string_view pick(Rng& rng, List items) {
  return items.begin()[rng.below(items.size())];
}

bool chance(Rng& rng, double p) {
  return rng.unit() < p;
}

// Syllables of made-up words; a few accented vowels make some names non-ASCII (offsets are in
// code points, not bytes).
std::string syllable(Rng& rng, bool accents) {
  static const List kOnsets = {"b", "br", "c", "d", "dr", "f", "g", "gr", "h", "j", "k", "kr",
                               "l", "m", "n", "p", "pr", "r", "s", "st", "t", "tr", "v", "z",
                               "th", "sh", "ch", "w", "bl", "qu"};
  static const List kVowels = {"a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "io", "ou"};
  static const List kCodas = {"", "", "", "", "", "", "", "", "", "", "n", "r", "l", "s",
                              "th", "nd", "rk", "x", "m", "t", "ld"};
  std::string s(pick(rng, kOnsets));
  if (accents && chance(rng, 0.06)) {
    s += pick(rng, {"\xC3\xA9", "\xC3\xB6", "\xC3\xA1", "\xC3\xBC"});  // é ö á ü
  } else {
    s += pick(rng, kVowels);
  }
  s += pick(rng, kCodas);
  return s;
}

std::string word(Rng& rng, std::size_t min_syllables, std::size_t max_syllables,
                 bool accents = false) {
  const std::size_t n = min_syllables + rng.below(max_syllables - min_syllables + 1);
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += syllable(rng, accents);
  return s;
}

std::string cap(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string stem(Rng& rng) {
  return cap(word(rng, 2, 3));
}

std::string english(Rng& rng) {
  return std::string(pick(rng, {"Silent", "Glass", "Northern", "Golden", "Broken", "Hidden",
                                "Last", "Winter", "Iron", "Crimson", "Quiet", "Distant", "Bright",
                                "Lost", "Open", "Red", "Wild", "Second", "Hollow", "Paper"}));
}

std::string noun(Rng& rng) {
  return std::string(pick(rng, {"Harbor", "River", "Garden", "Mirror", "Road", "Kingdom",
                                "Signal", "Tide", "Orchard", "Machine", "Crown", "Lantern",
                                "Frontier", "Echo", "Island", "Season", "Letter", "Bridge"}));
}

std::string year(Rng& rng) {
  return std::to_string(1950 + rng.below(74));
}

std::string person(Rng& rng) {
  std::string given = cap(word(rng, 1, 2, true));
  std::string family = cap(word(rng, 2, 3, true));
  if (chance(rng, 0.25)) family += pick(rng, {"son", "ova", "ez", "ski", "berg", "ani"});
  return given + " " + family;
}
std::string company(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {"", "x", "tek", "ia"})) + " " +
         std::string(pick(rng, {"Systems", "Labs", "Holdings", "Group", "Industries",
                                "Technologies", "Motors", "Energy", "Foods", "Pharma"}));
}
std::string city(Rng& rng) {
  const auto base = cap(word(rng, 1, 2, true));
  switch (rng.below(4)) {
    case 0: return base + std::string(pick(rng, {"ford", "burg", "ton", "ville", "mouth", "holm"}));
    case 1: return std::string(pick(rng, {"Port ", "San ", "New ", "Fort "})) + stem(rng);
    default: return cap(word(rng, 2, 3, true));
  }
}
std::string country(Rng& rng) {
  const auto base = stem(rng);
  if (chance(rng, 0.15)) return "Republic of " + base;
  return base + std::string(pick(rng, {"ia", "land", "stan", "ova", "ary", "ica"}));
}
std::string date(Rng& rng) {
  static const List kMonths = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
  const auto day = std::to_string(1 + rng.below(28));
  const auto month = std::string(pick(rng, kMonths));
  return chance(rng, 0.5) ? day + " " + month + " " + year(rng)
                          : month + " " + day + ", " + year(rng);
}
std::string organization(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" Foundation", " Institute", " Council",
                                            " Research Centre", " Society", " Trust"}));
}
std::string disease(Rng& rng) {
  const auto base = word(rng, 2, 3);
  if (chance(rng, 0.4)) return cap(base) + std::string(pick(rng, {" syndrome", " disease"}));
  return base + std::string(pick(rng, {"itis", "osis", "emia", "opathy", "oma"}));
}
std::string drug(Rng& rng) {
  return word(rng, 2, 2) + std::string(pick(rng, {"mab", "tinib", "pril", "olol", "azole",
                                                  "cillin", "statin", "vir", "parin", "dronate"}));
}
std::string gene(Rng& rng) {
  std::string s;
  const std::size_t letters = 2 + rng.below(3);
  for (std::size_t i = 0; i < letters; ++i) s += static_cast<char>('A' + rng.below(26));
  return s + std::to_string(1 + rng.below(40));
}
std::string protein(Rng& rng) {
  return word(rng, 2, 3) + std::string(pick(rng, {" kinase", " receptor", "-binding protein",
                                                  " phosphatase", " synthase", "in"}));
}
std::string chemical_compound(Rng& rng) {
  return std::string(pick(rng, {"sodium ", "methyl ", "ethyl ", "potassium ", "di"})) +
         word(rng, 2, 2) + std::string(pick(rng, {"ate", "ide", "ene", "ol"}));
}
std::string hospital(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" General Hospital", " Memorial Hospital",
                                            " Medical Center", " Children's Hospital"}));
}
std::string programming_language(Rng& rng) {
  const auto base = cap(word(rng, 1, 2));
  return base + std::string(pick(rng, {"", "", "lang", "Script", "++", "#", "ML"}));
}
std::string software_library(Rng& rng) {
  const auto base = word(rng, 1, 2);
  switch (rng.below(4)) {
    case 0: return "lib" + base;
    case 1: return "py" + base;
    case 2: return base + ".js";
    default: return base + std::string(pick(rng, {"kit", "-core", "flow", "db"}));
  }
}
std::string software(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" Studio", " Desktop", " Office", " Cloud",
                                            " Reader", " Player"}));
}
std::string operating_system(Rng& rng) {
  const auto base = stem(rng);
  return chance(rng, 0.5) ? base + " OS" : base + std::string(pick(rng, {"ix", " Linux", "BSD"}));
}
std::string algorithm(Rng& rng) {
  return stem(rng) + "-" + stem(rng) + std::string(pick(rng, {" algorithm", " sort", " method"}));
}
std::string currency(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {"ian", "ese", "ish"})) + " " +
         std::string(pick(rng, {"dinar", "krona", "peso", "mark", "florin", "real", "franc"}));
}
std::string stock_index(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" 100", " 250", " 50", " Composite",
                                            " All-Share"}));
}
std::string bank(Rng& rng) {
  return chance(rng, 0.4) ? "Bank of " + stem(rng)
                          : stem(rng) + std::string(pick(rng, {" Bank", " Savings Bank",
                                                               " Capital"}));
}
std::string stock_exchange(Rng& rng) {
  return stem(rng) + " Stock Exchange";
}
std::string film(Rng& rng) {
  switch (rng.below(4)) {
    case 0: return "The " + english(rng) + " " + noun(rng);
    case 1: return noun(rng) + " of " + stem(rng);
    case 2: return stem(rng) + " " + std::string(pick(rng, {"Rising", "Returns", "Forever"}));
    default: return english(rng) + " " + stem(rng);
  }
}
std::string film_studio(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" Pictures", " Studios", " Films",
                                            " Entertainment"}));
}
std::string tv_series(Rng& rng) {
  return std::string(pick(rng, {"The ", "", ""})) + stem(rng) +
         std::string(pick(rng, {" Street", " Files", " Chronicles", " Station", " Hall"}));
}
std::string film_festival(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" Film Festival", " International Film Festival"}));
}
std::string award(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" Prize", " Medal", " Award"}));
}
std::string law(Rng& rng) {
  return std::string(pick(rng, {"Data", "Water", "Housing", "Labour", "Energy", "Trade",
                                "Privacy", "Transport", "Banking", "Health"})) +
         std::string(pick(rng, {" Protection", " Reform", " Safety", ""})) + " Act " + year(rng);
}
std::string court(Rng& rng) {
  switch (rng.below(3)) {
    case 0: return "Supreme Court of " + stem(rng);
    case 1: return stem(rng) + " District Court";
    default: return stem(rng) + " Court of Appeals";
  }
}
std::string court_case(Rng& rng) {
  return stem(rng) + " v. " + stem(rng);
}
std::string law_firm(Rng& rng) {
  return stem(rng) + (chance(rng, 0.5) ? " & " : " ") + stem(rng) + " LLP";
}
std::string treaty(Rng& rng) {
  return chance(rng, 0.6) ? "Treaty of " + stem(rng) : stem(rng) + " Accord";
}
std::string sports_team(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" United", " Rovers", " Falcons", " Wanderers",
                                            " Athletic", " Tigers", " Harriers"}));
}
std::string sports_league(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" League", " Premier League", " Super League"}));
}
std::string stadium(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" Arena", " Park", " Stadium", " Field"}));
}
std::string tournament(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" Open", " Classic", " Cup", " Masters"}));
}
std::string university(Rng& rng) {
  return chance(rng, 0.5) ? "University of " + stem(rng)
                          : stem(rng) + std::string(pick(rng, {" University",
                                                               " Institute of Technology"}));
}
std::string journal(Rng& rng) {
  return chance(rng, 0.5) ? "Journal of " + stem(rng) + " Studies"
                          : stem(rng) + std::string(pick(rng, {" Letters", " Review"}));
}
std::string chemical_element(Rng& rng) {
  return word(rng, 2, 2) + "ium";
}
std::string species(Rng& rng) {
  return cap(word(rng, 2, 2)) + std::string(pick(rng, {"us", "a", "ella", "ops"})) + " " +
         word(rng, 1, 2) + std::string(pick(rng, {"i", "ensis", "ata"}));
}
std::string telescope(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" Telescope", " Observatory", " Space Telescope"}));
}
std::string astronomical_object(Rng& rng) {
  return stem(rng) + "-" + std::to_string(1 + rng.below(90)) +
         std::string(pick(rng, {"b", "c", ""}));
}
std::string spacecraft(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" Explorer", " Probe", " Voyager"}));
}
std::string scientific_theory(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" effect", " principle", " conjecture", " theory"}));
}
std::string event(Rng& rng) {
  return stem(rng) + std::string(pick(rng, {" Summit", " Conference", " Forum"}));
}
std::string government_agency(Rng& rng) {
  return "Ministry of " + std::string(pick(rng, {"Coastal", "Rural", "Digital", "Public",
                                                 "Foreign", "Inland"})) + " " +
         std::string(pick(rng, {"Affairs", "Works", "Health", "Development", "Trade"})) +
         (chance(rng, 0.7) ? " of " + stem(rng) : std::string());
}
std::string river(Rng& rng) {
  return stem(rng) + " River";
}

// Rank order: person is the most frequent type, spacecraft the rarest.
constexpr std::array<TypeSpec, 48> kTypes = {{
    {"person", 600, person},
    {"company", 400, company},
    {"city", 400, city},
    {"country", 250, country},
    {"date", 400, date},
    {"organization", 250, organization},
    {"disease", 250, disease},
    {"drug", 250, drug},
    {"sports team", 250, sports_team},
    {"film", 250, film},
    {"software library", 250, software_library},
    {"programming language", 150, programming_language},
    {"court", 150, court},
    {"law", 200, law},
    {"university", 200, university},
    {"gene", 250, gene},
    {"currency", 150, currency},
    {"political party", 150,
     [](Rng& rng) {
       return stem(rng) + std::string(pick(rng, {" Party", " Alliance", " Democratic Union",
                                                 " People's Party"}));
     }},
    {"bank", 150, bank},
    {"protein", 200, protein},
    {"software", 150, software},
    {"sports league", 100, sports_league},
    {"newspaper", 150,
     [](Rng& rng) {
       return stem(rng) + std::string(pick(rng, {" Herald", " Gazette", " Times", " Courier"}));
     }},
    {"hospital", 150, hospital},
    {"stadium", 150, stadium},
    {"court case", 150, court_case},
    {"journal", 150, journal},
    {"film studio", 100, film_studio},
    {"tournament", 100, tournament},
    {"operating system", 100, operating_system},
    {"stock index", 100, stock_index},
    {"chemical compound", 150, chemical_compound},
    {"award", 100, award},
    {"tv series", 100, tv_series},
    {"government agency", 100, government_agency},
    {"river", 100, river},
    {"algorithm", 100, algorithm},
    {"species", 150, species},
    {"event", 100, event},
    {"law firm", 100, law_firm},
    {"film festival", 80, film_festival},
    {"stock exchange", 80, stock_exchange},
    {"treaty", 80, treaty},
    {"chemical element", 80, chemical_element},
    {"scientific theory", 80, scientific_theory},
    {"telescope", 80, telescope},
    {"astronomical object", 80, astronomical_object},
    {"spacecraft", 80, spacecraft},
}};

}  // namespace

std::span<const TypeSpec> type_specs() {
  return kTypes;
}

}  // namespace uniner::synth
