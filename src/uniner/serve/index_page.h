// The web page served at GET /: a text box, a types box and a button; the entities highlighted in
// the text, one colour per type with a legend, offsets on hover, the raw answers in a collapsible
// panel and a JSON download. Self-contained: no external script, style or font.
#pragma once

#include <string_view>

namespace uniner::serve {

std::string_view index_page();

}  // namespace uniner::serve
