// libolm's pickled Olm sessions (pickle.hpp) as e2ekit's Olm session state
// (protocols/olm/session.hpp), so a conversation that libolm began goes on
// in e2ekit: messages the libolm session skipped still decrypt, and the
// peer (still on libolm, or on anything else) reads what e2ekit sends.
//
// The two ratchets keep the same things in different order:
// - libolm keeps its receiver chains newest first, e2ekit oldest first;
// - libolm keeps at most 40 skipped message keys for the whole session as
//   raw HMAC outputs, e2ekit keeps them per receiver chain, expanded (the
//   Olm params' OLM_KEYS HKDF); a skipped key whose chain is gone is
//   useless to both and is dropped (vodozemac drops it too);
// - libolm drops its sender chain and its ratchet key when a new chain
//   arrives and draws a fresh key on the next send, which is e2ekit's lazy
//   turn too: the state simply has no ratchet key and no sending chain.
// Olm headers carry no previous-chain counter, so there is none to keep.
// The result goes through the ratchet's own stored form, whose strict
// parser checks the invariants (key order, bounds) a damaged pickle breaks.
#ifndef E2EKIT_PROTOCOLS_LIBOLM_IMPORT_HPP
#define E2EKIT_PROTOCOLS_LIBOLM_IMPORT_HPP

#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/protocols/libolm/pickle.hpp>
#include <e2ekit/protocols/olm/session.hpp>

#include <algorithm>
#include <string_view>
#include <vector>

namespace e2ekit::protocols::libolm {

inline result<olm::session_state> import_session(const session& p) {
    using dr = olm::double_ratchet;
    dr::state st;
    st.root = ratchet::root_key(p.root_key.view());
    if (p.sender) {
        // The private ratchet key must be the public one's.
        auto pair = crypto::x25519::from_private(
            crypto::x25519::private_key(p.sender->ratchet_key.private_key.view()));
        if (pair.pub != p.sender->ratchet_key.public_key) return pickle_error::malformed;
        st.ratchet_key = std::move(pair);
        st.sending = dr::sending_chain{ratchet::chain_key(p.sender->chain.key.view()),
                                       p.sender->chain.index};
    }
    if (p.receivers.size() > dr::params::limits.max_receiver_chains) return pickle_error::malformed;
    std::vector<dr::receiver_chain> chains;
    for (auto it = p.receivers.rbegin(); it != p.receivers.rend(); ++it) {
        std::vector<const skipped_key*> mine;
        for (const auto& k : p.skipped)
            if (k.ratchet_key == it->ratchet_key) mine.push_back(&k);
        std::sort(mine.begin(), mine.end(),
                  [](const skipped_key* a, const skipped_key* b) { return a->index < b->index; });
        std::vector<dr::skipped_key> keys;
        for (const skipped_key* k : mine)
            keys.push_back(
                {k->index, dr::message_keys::derive(ratchet::message_key(k->message_key.view()))});
        chains.push_back({it->ratchet_key, ratchet::chain_key(it->chain.key.view()),
                          it->chain.index,
                          ratchet::shared_vector<dr::skipped_key>(std::move(keys))});
    }
    st.receivers = ratchet::shared_vector<dr::receiver_chain>(std::move(chains));
    if (!st.sending && st.receivers.empty()) return pickle_error::malformed;
    // The ratchet's strict reader checks what the pickle's order promised.
    auto checked = dr::parse(dr::serialize(st).view());
    if (!checked) return pickle_error::malformed;
    return olm::session_state{p.alice_identity_key, p.alice_base_key, p.bob_one_time_key,
                              p.received_message, std::move(*checked)};
}

inline result<olm::session_state> import_session(std::string_view pickle, bytes_view pickle_key) {
    E2EKIT_TRY(p, parse_session(pickle, pickle_key));
    return import_session(p);
}

} // namespace e2ekit::protocols::libolm

#endif
