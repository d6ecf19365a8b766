// Blind Trust Before Verification (Daniel Gultsch, "Blind Trust Before
// Verification", as Conversations ships it for OMEMO): until the user has
// verified one of an owner's keys, every new key of that owner is trusted
// blindly; once one is verified, new keys wait for a decision, and the keys
// that were only blindly trusted stop being trusted until they too are
// verified (a verified contact's unverified devices are exactly what an
// attacker would add). Distrust is always the user's own.
//
// Its levels (btbv_scheme) keep "blindly trusted" apart from "verified",
// which the core levels cannot: both map to `trusted`.
#ifndef E2EKIT_TRUST_BTBV_HPP
#define E2EKIT_TRUST_BTBV_HPP

#include <e2ekit/trust/key_policy.hpp>
#include <e2ekit/trust/level.hpp>
#include <e2ekit/trust/scheme.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace e2ekit::trust {

enum class btbv_level : std::uint8_t { blindly_trusted = 1, verified, undecided, distrusted };

struct btbv_scheme {
    using level_scheme_concept = level_scheme_tag;
    using level_type = btbv_level;

    static constexpr level core(btbv_level l) noexcept {
        switch (l) {
        case btbv_level::blindly_trusted:
        case btbv_level::verified: return level::trusted;
        case btbv_level::distrusted: return level::distrusted;
        case btbv_level::undecided: return level::undecided;
        }
        return level::undecided;
    }
    static constexpr std::string_view name(btbv_level l) noexcept {
        switch (l) {
        case btbv_level::blindly_trusted: return "BLINDLY_TRUSTED";
        case btbv_level::verified: return "VERIFIED";
        case btbv_level::undecided: return "UNDECIDED";
        case btbv_level::distrusted: return "DISTRUSTED";
        }
        return "UNDECIDED";
    }
    static constexpr std::optional<btbv_level> from_name(std::string_view s) noexcept {
        for (auto l : {btbv_level::blindly_trusted, btbv_level::verified, btbv_level::undecided,
                       btbv_level::distrusted})
            if (name(l) == s) return l;
        return std::nullopt;
    }
};
static_assert(level_scheme<btbv_scheme>);

struct btbv {
    using key_policy_concept = key_policy_tag;
    using scheme = btbv_scheme;

    static btbv_level first_seen(std::span<const key_level<scheme>> others) noexcept {
        return any_verified(others) ? btbv_level::undecided : btbv_level::blindly_trusted;
    }

    /// Verifying a key ends blind trust in the owner's other keys.
    static std::vector<key_level<scheme>> after_decision(std::span<const key_level<scheme>> others,
                                                         const key_level<scheme>& decided) {
        std::vector<key_level<scheme>> out;
        if (decided.trust != btbv_level::verified) return out;
        for (const auto& k : others)
            if (k.trust == btbv_level::blindly_trusted)
                out.push_back({k.key, btbv_level::undecided});
        return out;
    }

private:
    static bool any_verified(std::span<const key_level<scheme>> others) noexcept {
        return std::any_of(others.begin(), others.end(),
                           [](const auto& k) { return k.trust == btbv_level::verified; });
    }
};
static_assert(key_policy<btbv>);

} // namespace e2ekit::trust

#endif
