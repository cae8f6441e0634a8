// The domains, sentence templates and distractor sentences of the synthetic world.
#include <array>

#include "data/synthetic_world_tables.h"

namespace uniner::synth {
namespace {

constexpr std::array<std::string_view, 8> kDomains = {
    "news", "biomedical", "software", "finance", "movies", "law", "sports", "science"};

constexpr SentenceSpec kTemplates[] = {
    // any domain: only the most frequent types, which makes the head of the distribution heavy
    {"", "{person} grew up in {city}."},
    {"", "{person} moved to {country} on {date}."},
    {"", "{person} visited {city} last week."},
    {"", "{company} is based in {city}."},
    {"", "{person} joined {company} on {date}."},
    {"", "{person} told reporters in {city} that the talks would continue."},
    {"", "{company} hired {person} as its new director."},
    {"", "{person} and {person} met in {city} on {date}."},
    {"", "The {organization} is headquartered in {city}, {country}."},
    {"", "{person} was born in {city} on {date}."},
    {"", "{company} expanded into {country} on {date}."},
    {"", "{person} spoke at the {organization} on {date}."},
    {"", "{person} thanked {person} for the support."},
    {"", "{person} said that {person} would lead the project."},
    // news
    {"news", "{person} arrived in {city} on {date} for talks with officials from {country}."},
    {"news", "Speaking in {city}, {person} said the {political party} would not support the budget."},
    {"news", "The {newspaper} reported that {person} had resigned from the {organization}."},
    {"news", "Thousands gathered in {city} after the {government agency} announced new restrictions."},
    {"news", "{person}, a spokesperson for the {organization}, declined to comment."},
    {"news", "Flooding along the {river} forced residents of {city} to leave their homes on {date}."},
    {"news", "Leaders of {country} and {country} signed the {treaty} after months of negotiation."},
    {"news", "{person} won the leadership of the {political party} with a narrow majority."},
    {"news", "According to the {newspaper}, the {event} will be held in {city} next spring."},
    {"news", "Officials from the {government agency} met {person} in {country} on {date}."},
    {"news", "The {event} drew delegations from {country}, {country} and {country}."},
    {"news", "In an interview with the {newspaper}, {person} criticised the handling of the crisis."},
    {"news", "The {organization} opened a regional office in {city} on {date}."},
    {"news", "The {treaty} was ratified by {country} on {date}."},
    {"news", "{company} will build a new plant near {city}, {person} told reporters."},
    // biomedical
    {"biomedical", "Patients with {disease} who received {drug} showed fewer relapses, the study found."},
    {"biomedical", "Researchers at {hospital} reported that mutations in {gene} increase the risk of {disease}."},
    {"biomedical", "{person} and colleagues showed that {protein} is overexpressed in {disease}."},
    {"biomedical", "The trial, sponsored by {company}, compared {drug} with placebo in adults with {disease}."},
    {"biomedical", "Loss of {gene} function reduced levels of {protein} in mouse models."},
    {"biomedical", "{drug} was approved by the {government agency} on {date} for the treatment of {disease}."},
    {"biomedical", "Exposure to {chemical compound} has been linked to {disease} in several cohorts."},
    {"biomedical", "Doctors at {hospital} in {city} now prescribe {drug} as a first-line therapy."},
    {"biomedical", "The {gene} variant alters the binding site of {protein}."},
    {"biomedical", "A phase II study published in {journal} tested {drug} in 240 patients."},
    {"biomedical", "{person}, a physician at {hospital}, described the first cases of {disease}."},
    {"biomedical", "Combining {drug} with {drug} lowered the incidence of side effects."},
    {"biomedical", "In the liver, {protein} converts {chemical compound} into an inactive metabolite."},
    {"biomedical", "Screening for {gene} is now recommended for families affected by {disease}."},
    // software
    {"software", "{software library} is written in {programming language} and maintained by {company}."},
    {"software", "{person} released version 2 of {software library} on {date}."},
    {"software", "The new release of {software} runs on {operating system} and requires {software library}."},
    {"software", "Developers at {company} rewrote the backend in {programming language}."},
    {"software", "{programming language} was designed by {person} at the {university}."},
    {"software", "{software} now ships with a faster implementation of the {algorithm}."},
    {"software", "The {algorithm} is implemented in {software library} for sparse inputs."},
    {"software", "{company} announced that {software} will no longer support {operating system}."},
    {"software", "Many teams migrated from {programming language} to {programming language} last year."},
    {"software", "{person} proposed the {algorithm} in a paper written at the {university}."},
    {"software", "A vulnerability in {software library} affected servers running {operating system}."},
    {"software", "The makers of {software} were acquired by {company} for an undisclosed sum."},
    {"software", "Bindings for {software library} are available in {programming language} and {programming language}."},
    {"software", "{operating system} was first released by {company} on {date}."},
    // finance
    {"finance", "Shares of {company} rose 4 percent on the {stock exchange} after strong quarterly results."},
    {"finance", "The {currency} fell against the dollar after {bank} cut interest rates."},
    {"finance", "{person}, chief executive of {company}, said revenue would grow next year."},
    {"finance", "The {stock index} closed lower on {date}, led by losses in banking stocks."},
    {"finance", "{bank} agreed to buy {company} in a deal announced on {date}."},
    {"finance", "Investors in {country} moved their savings into the {currency}."},
    {"finance", "{company} plans to list its shares on the {stock exchange} in the autumn."},
    {"finance", "Analysts at {bank} expect the {stock index} to recover by the end of the year."},
    {"finance", "{person} was appointed governor of the central bank of {country}."},
    {"finance", "The merger between {company} and {company} was approved by regulators in {city}."},
    {"finance", "{bank} opened new branches in {city} and {city}."},
    {"finance", "Trading on the {stock exchange} was halted on {date} after a technical fault."},
    {"finance", "The government of {country} pegged the {currency} to a basket of currencies."},
    {"finance", "{company} reported a loss, and its shares dropped out of the {stock index}."},
    // movies
    {"movies", "{film}, directed by {person}, opened at the {film festival} on {date}."},
    {"movies", "{person} stars alongside {person} in {film}."},
    {"movies", "{film studio} acquired the rights to {film} after the festival."},
    {"movies", "The second season of {tv series} was filmed in {city}."},
    {"movies", "{person} won the {award} for the lead role in {film}."},
    {"movies", "{film} earned more than 40 million dollars in its opening weekend."},
    {"movies", "{film studio} announced that {tv series} will return next year."},
    {"movies", "Critics at the {film festival} praised {film} for its cinematography."},
    {"movies", "{person} left {tv series} after three seasons to work on {film}."},
    {"movies", "The {award} ceremony took place in {city} on {date}."},
    {"movies", "{film} was produced by {film studio} and shot in {country}."},
    {"movies", "{person} is set to direct the film adaptation of {tv series}."},
    {"movies", "{film} and {film} were both nominated for the {award}."},
    {"movies", "The {film festival} opened with a screening of {film}."},
    // law
    {"law", "The {court} ruled on {date} that the {law} does not apply to online platforms."},
    {"law", "In {court case}, the {court} upheld the decision of the lower court."},
    {"law", "{person}, a partner at {law firm}, represented {company} in the dispute."},
    {"law", "Parliament passed the {law} despite opposition from the {political party}."},
    {"law", "The ruling in {court case} is expected to shape how the {law} is enforced."},
    {"law", "{law firm} filed an appeal with the {court} on behalf of {person}."},
    {"law", "Judge {person} of the {court} dismissed the case against {company}."},
    {"law", "The {law} requires companies in {country} to disclose their emissions."},
    {"law", "Lawyers for {company} cited {court case} in their written submission."},
    {"law", "The {court} will hear arguments in {court case} on {date}."},
    {"law", "Under the {treaty}, {country} agreed to extradite suspects to {country}."},
    {"law", "{law firm} advised the {government agency} on the drafting of the {law}."},
    {"law", "The {law} was amended on {date} to cover private contractors."},
    {"law", "{person} argued before the {court} that the {law} was unconstitutional."},
    // sports
    {"sports", "{sports team} beat {sports team} 3-1 at {stadium} on {date}."},
    {"sports", "{person} scored twice as {sports team} won the {tournament}."},
    {"sports", "The {sports league} fined {sports team} for breaching spending rules."},
    {"sports", "{person} signed a four-year contract with {sports team}."},
    {"sports", "{stadium} in {city} will host the final of the {tournament}."},
    {"sports", "{sports team} finished the season top of the {sports league}."},
    {"sports", "{person} of {country} won the {tournament} for the second time."},
    {"sports", "Fans of {sports team} filled {stadium} for the derby."},
    {"sports", "The {sports league} announced that {sports team} will move to {city}."},
    {"sports", "{person} was named coach of {sports team} on {date}."},
    {"sports", "After the defeat, {sports team} dropped to fifth place in the {sports league}."},
    {"sports", "{person} beat {person} in straight sets at the {tournament}."},
    {"sports", "The {tournament} returns to {stadium} after a break of four years."},
    {"sports", "{sports team} and {sports team} drew 0-0 in front of a quiet crowd."},
    // science
    {"science", "Astronomers using the {telescope} observed {astronomical object} for six nights."},
    {"science", "{person} of the {university} published the results in {journal} on {date}."},
    {"science", "The {spacecraft} sent back images of {astronomical object} last month."},
    {"science", "{person} won the {award} for work on the {scientific theory}."},
    {"science", "A new isotope of {chemical element} was produced at the {organization}."},
    {"science", "Field biologists described {species} from specimens collected in {country}."},
    {"science", "The {scientific theory} predicts that {chemical element} should be stable."},
    {"science", "Researchers at the {university} found {species} living near the {river}."},
    {"science", "Data from the {telescope} suggest that {astronomical object} has an atmosphere."},
    {"science", "The {organization} launched the {spacecraft} on {date}."},
    {"science", "The paper in {journal} challenges the {scientific theory}."},
    {"science", "{person} and {person} first isolated {chemical element} in a laboratory at the {university}."},
    {"science", "{species} was photographed for the first time by a team from the {university}."},
    {"science", "Funding from the {organization} will support a successor to the {telescope}."},
};

constexpr SentenceSpec kDistractors[] = {
    {"", "The details were not made public."},
    {"", "It was not immediately clear what would happen next."},
    {"", "Further updates are expected later this week."},
    {"", "Officials said the situation remained under review."},
    {"", "Several questions remain unanswered."},
    {"", "The decision was welcomed by most observers."},
    {"", "No one was available for comment on Sunday."},
    {"news", "Turnout was lower than in previous years."},
    {"news", "The vote is scheduled for the end of the month."},
    {"news", "Police closed several roads in the centre."},
    {"biomedical", "The side effects were mostly mild and short-lived."},
    {"biomedical", "Larger trials are needed to confirm the findings."},
    {"biomedical", "Participants were followed for two years."},
    {"software", "The update also fixes several memory leaks."},
    {"software", "Documentation is available online."},
    {"software", "Performance improved by about 30 percent in benchmarks."},
    {"finance", "Trading volumes were thin ahead of the holiday."},
    {"finance", "Inflation remained above target for a third month."},
    {"finance", "Bond yields edged higher."},
    {"movies", "The soundtrack was released a week earlier."},
    {"movies", "Filming is expected to begin in the summer."},
    {"movies", "Reviews have been mixed."},
    {"law", "The parties have thirty days to appeal."},
    {"law", "The hearing lasted more than six hours."},
    {"law", "Legal experts were divided on the outcome."},
    {"sports", "The match was delayed by heavy rain."},
    {"sports", "Tickets sold out within hours."},
    {"sports", "The injury will keep him out for several weeks."},
    {"science", "The measurements were repeated three times."},
    {"science", "The findings have not yet been peer reviewed."},
    {"science", "More observations are planned for next year."},
};

}  // namespace

std::span<const std::string_view> domain_names() {
  return kDomains;
}

std::span<const SentenceSpec> sentence_templates() {
  return kTemplates;
}

std::span<const SentenceSpec> distractor_sentences() {
  return kDistractors;
}

}  // namespace uniner::synth
