// Custom trust levels. An application may keep levels of its own (OMEMO
// clients do: python-omemo stores a "custom trust level name" per identity
// key and asks the application what each name means). A level scheme names
// those levels and maps each onto a core level (level.hpp), so the
// protocol and session code above trust/ still branch on three cases.
//
// A scheme opts in with `using level_scheme_concept =
// e2ekit::trust::level_scheme_tag;` and then offers, for `l` a
// `L::level_type` and `s` a `std::string_view`:
//
// | expression         | type                                  | semantics                     |
// |--------------------|---------------------------------------|-------------------------------|
// | `L::level_type`    | equality-comparable, copyable         | the custom levels             |
// | `L::core(l)`       | `level`                               | what `l` means to the         |
// |                    |                                       | protocol (1)                  |
// | `L::name(l)`       | `std::string_view`                    | the stored name: non-empty,   |
// |                    |                                       | one per level                 |
// | `L::from_name(s)`  | `std::optional<L::level_type>`        | inverse of `name`; nullopt    |
// |                    |                                       | for a name it does not know   |
//
// (1) `core` is total and pure: the same level always maps to the same core
//     level (python-omemo's `_evaluate_custom_trust_level`).
//
// Shipped: `core_scheme` below (the core levels themselves, named as
// python-omemo names them), and `btbv_scheme` in btbv.hpp.
#ifndef E2EKIT_TRUST_SCHEME_HPP
#define E2EKIT_TRUST_SCHEME_HPP

#include <e2ekit/trust/level.hpp>

#include <concepts>
#include <optional>
#include <string_view>

namespace e2ekit::trust {

/// The opt-in tag: `using level_scheme_concept = level_scheme_tag;`.
struct level_scheme_tag {};

template <class L>
concept level_scheme = std::same_as<typename L::level_scheme_concept, level_scheme_tag> &&
    std::equality_comparable<typename L::level_type> && std::copyable<typename L::level_type> &&
    requires(const typename L::level_type& l, std::string_view s) {
    { L::core(l) } -> std::same_as<level>;
    { L::name(l) } -> std::convertible_to<std::string_view>;
    { L::from_name(s) } -> std::same_as<std::optional<typename L::level_type>>;
};

/// The core levels as custom levels, with python-omemo's names
/// (omemo.types.TrustLevel): "TRUSTED", "DISTRUSTED", "UNDECIDED".
struct core_scheme {
    using level_scheme_concept = level_scheme_tag;
    using level_type = level;

    static constexpr level core(level l) noexcept { return l; }
    static constexpr std::string_view name(level l) noexcept {
        switch (l) {
        case level::trusted: return "TRUSTED";
        case level::distrusted: return "DISTRUSTED";
        case level::undecided: return "UNDECIDED";
        }
        return "UNDECIDED";
    }
    static constexpr std::optional<level> from_name(std::string_view s) noexcept {
        for (level l : {level::trusted, level::distrusted, level::undecided})
            if (name(l) == s) return l;
        return std::nullopt;
    }
};
static_assert(level_scheme<core_scheme>);

} // namespace e2ekit::trust

#endif
