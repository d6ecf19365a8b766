// Whom a message goes to: every active device of every recipient and every
// other device of the sender (XEP-0384 §6.1: a message is encrypted for the
// sender's own other devices too), each under the highest-priority protocol
// it is listed for, each only if its identity key is trusted. Devices that
// cannot be reached come back with the reason, so the caller fetches a
// bundle, asks the user, or reports it; they never stop the others.
//
// Pure: it reads the directory's records and asks `trust_of(owner, key)`
// (key_trust::encounter or level_of, bound by the caller) for each
// device's identity key.
#ifndef E2EKIT_SESSION_FANOUT_HPP
#define E2EKIT_SESSION_FANOUT_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/session/directory.hpp>
#include <e2ekit/trust/level.hpp>

#include <concepts>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace e2ekit::session {

enum class skip_reason {
    not_listed,   ///< active under no protocol this device speaks
    needs_bundle, ///< its identity key is not known yet: fetch its bundle
    distrusted,   ///< its identity key is distrusted
    undecided,    ///< nobody has decided about its identity key yet
};

constexpr const char* to_string(skip_reason r) noexcept {
    switch (r) {
    case skip_reason::not_listed: return "not listed";
    case skip_reason::needs_bundle: return "needs bundle";
    case skip_reason::distrusted: return "distrusted";
    case skip_reason::undecided: return "undecided";
    }
    return "unknown";
}

struct target {
    std::string owner;
    std::uint32_t device = 0;
    std::string protocol; ///< the namespace chosen
    friend bool operator==(const target&, const target&) = default;
};

struct skipped_device {
    std::string owner;
    std::uint32_t device = 0;
    skip_reason reason = skip_reason::not_listed;
    friend bool operator==(const skipped_device&, const skipped_device&) = default;
};

struct fanout {
    std::vector<target> targets;
    std::vector<skipped_device> skipped;
};

/// One owner's devices and whose they are.
struct owner_devices {
    std::string_view owner;
    std::span<const device_record> devices;
};

/// `protocols`: the namespaces this device speaks, highest priority first.
/// `self`: the sending device (left out). The first trust error stops the
/// plan (the trust store could not be read); a refusal never does.
template <class TrustOf>
requires std::invocable<TrustOf&, std::string_view, bytes_view> &&
    std::same_as<std::invoke_result_t<TrustOf&, std::string_view, bytes_view>, result<trust::level>>
        result<fanout> plan_fanout(std::span<const owner_devices> owners,
                                   std::span<const std::string_view> protocols,
                                   std::string_view self_owner, std::uint32_t self_device,
                                   TrustOf&& trust_of) {
    fanout out;
    for (const auto& o : owners) {
        for (const auto& d : o.devices) {
            if (o.owner == self_owner && d.id == self_device) continue;
            const std::string_view* chosen = nullptr;
            for (const auto& ns : protocols)
                if (d.active_in(ns)) {
                    chosen = &ns;
                    break;
                }
            if (!chosen) {
                bool listed_anywhere = false;
                for (const auto& [ns, active] : d.protocols)
                    listed_anywhere = listed_anywhere || active;
                // A device listed only for protocols not spoken here, or no
                // longer listed at all: not a target, and not an error.
                if (listed_anywhere)
                    out.skipped.push_back({std::string(o.owner), d.id, skip_reason::not_listed});
                continue;
            }
            if (!d.identity_key) {
                out.skipped.push_back({std::string(o.owner), d.id, skip_reason::needs_bundle});
                continue;
            }
            E2EKIT_TRY(level, trust_of(o.owner, bytes_view(*d.identity_key)));
            switch (level) {
            case trust::level::trusted:
                out.targets.push_back({std::string(o.owner), d.id, std::string(*chosen)});
                break;
            case trust::level::distrusted:
                out.skipped.push_back({std::string(o.owner), d.id, skip_reason::distrusted});
                break;
            case trust::level::undecided:
                out.skipped.push_back({std::string(o.owner), d.id, skip_reason::undecided});
                break;
            }
        }
    }
    return out;
}

} // namespace e2ekit::session

#endif
