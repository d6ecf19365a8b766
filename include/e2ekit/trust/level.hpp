// The core trust levels every trust policy maps its decisions onto. A
// policy with levels of its own (OMEMO's BTBV and manual trust, a
// client's custom ones) keeps them beside the record and reports one of
// these three, so code above trust/ branches on three cases only.
#ifndef E2EKIT_TRUST_LEVEL_HPP
#define E2EKIT_TRUST_LEVEL_HPP

#include <cstdint>
#include <optional>

namespace e2ekit::trust {

/// Zero is no level: a zero byte in a stored record is refused, never
/// read as a decision.
enum class level : std::uint8_t {
    trusted = 1,    ///< messages may be sent to and accepted from this key
    distrusted = 2, ///< refused: the user said no, or a policy saw a changed key
    undecided = 3,  ///< refused until someone decides (the user, or a policy later)
};

/// The level a stored byte names, if it names one.
constexpr std::optional<level> level_from_byte(std::uint8_t b) noexcept {
    switch (b) {
    case static_cast<std::uint8_t>(level::trusted): return level::trusted;
    case static_cast<std::uint8_t>(level::distrusted): return level::distrusted;
    case static_cast<std::uint8_t>(level::undecided): return level::undecided;
    default: return std::nullopt;
    }
}

constexpr const char* to_string(level l) noexcept {
    switch (l) {
    case level::trusted: return "trusted";
    case level::distrusted: return "distrusted";
    case level::undecided: return "undecided";
    }
    return "invalid";
}

} // namespace e2ekit::trust

#endif
