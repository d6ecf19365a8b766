// A Signal session record: the current session state with a peer device and
// the states it replaced, newest first (libsignal-protocol-c
// src/session_record.c keeps 40). A message may arrive for an archived state
// (the peer had not yet seen our newer session, or both sides initiated at
// once); decrypting with one promotes it to current, as libsignal-protocol-c
// does.
#ifndef E2EKIT_PROTOCOLS_SIGNAL_RECORD_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_RECORD_HPP

#include <e2ekit/protocols/signal/session.hpp>

#include <cstddef>
#include <optional>
#include <vector>

namespace e2ekit::protocols::signal {

/// libsignal-protocol-c ARCHIVED_STATES_MAX_LENGTH.
inline constexpr std::size_t max_archived_states = 40;

struct session_record {
    std::optional<session_state> current;
    std::vector<session_state> archived; ///< newest first, at most max_archived_states

    session_record clone() const {
        session_record r;
        if (current) r.current = current->clone();
        r.archived.reserve(archived.size());
        for (const auto& s : archived)
            r.archived.push_back(s.clone());
        return r;
    }
    friend bool operator==(const session_record&, const session_record&) = default;
};

} // namespace e2ekit::protocols::signal

#endif
