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
//
// Megolm sessions keep their ratchets, indexes, signing keys and verified
// flag; an outbound session signs with the expanded key libolm kept.
//
// An account keeps its keys, ids and published flags; its Ed25519 key is
// the expanded one libolm kept (olm::account signs with it as libolm did),
// and every private key must be its public key's (`malformed` otherwise).
#ifndef E2EKIT_PROTOCOLS_LIBOLM_IMPORT_HPP
#define E2EKIT_PROTOCOLS_LIBOLM_IMPORT_HPP

#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/protocols/libolm/pickle.hpp>
#include <e2ekit/protocols/megolm/session.hpp>
#include <e2ekit/protocols/olm/account.hpp>
#include <e2ekit/protocols/olm/session.hpp>

#include <algorithm>
#include <optional>
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

namespace detail {

inline result<crypto::x25519::key_pair> checked_pair(const curve25519_pair& p) {
    auto pair = crypto::x25519::from_private(crypto::x25519::private_key(p.private_key.view()));
    if (pair.pub != p.public_key) return pickle_error::malformed;
    return pair;
}

inline result<olm::account_key> account_key_of(const one_time_key& k) {
    E2EKIT_TRY(pair, checked_pair(k.key));
    return olm::account_key{k.id, k.published, std::move(pair)};
}

} // namespace detail

inline result<olm::account> import_account(const account& p) {
    E2EKIT_TRY(identity, detail::checked_pair(p.identity));
    std::vector<olm::account_key> otks;
    for (const auto& k : p.one_time_keys) {
        E2EKIT_TRY(key, detail::account_key_of(k));
        otks.push_back(std::move(key));
    }
    // e2ekit keeps them newest (highest id) first.
    std::sort(otks.begin(), otks.end(),
              [](const olm::account_key& a, const olm::account_key& b) { return a.id > b.id; });
    std::optional<olm::account_key> fallback, previous;
    if (p.fallback) {
        E2EKIT_TRY(key, detail::account_key_of(*p.fallback));
        fallback = std::move(key);
    }
    if (p.previous_fallback) {
        E2EKIT_TRY(key, detail::account_key_of(*p.previous_fallback));
        previous = std::move(key);
    }
    crypto::ed25519::expanded_key signing(p.signing.private_key.view());
    auto pub = crypto::ed25519::public_from_expanded(signing);
    if (!pub || *pub != p.signing.public_key) return pickle_error::malformed;
    auto a = olm::account::from_parts(std::move(signing), std::move(identity), std::move(otks),
                                      std::move(fallback), std::move(previous), p.next_key_id);
    if (!a) return pickle_error::malformed;
    return std::move(*a);
}

inline result<olm::account> import_account(std::string_view pickle, bytes_view pickle_key) {
    E2EKIT_TRY(p, parse_account(pickle, pickle_key));
    return import_account(p);
}

inline result<olm::session_state> import_session(std::string_view pickle, bytes_view pickle_key) {
    E2EKIT_TRY(p, parse_session(pickle, pickle_key));
    return import_session(p);
}

inline result<megolm::outbound_session>
import_outbound_group_session(const outbound_group_session& p) {
    megolm::outbound_session s;
    s.ratchet.data = megolm::megolm_ratchet::data_type(p.ratchet.data.view());
    s.ratchet.counter = p.ratchet.counter;
    s.signing = crypto::ed25519::expanded_key(p.signing.private_key.view());
    auto pub = crypto::ed25519::public_from_expanded(s.signing);
    if (!pub || *pub != p.signing.public_key) return pickle_error::malformed;
    s.signing_public = *pub;
    return s;
}

inline result<megolm::inbound_session>
import_inbound_group_session(const inbound_group_session& p) {
    megolm::inbound_session s;
    s.initial.data = megolm::megolm_ratchet::data_type(p.initial.data.view());
    s.initial.counter = p.initial.counter;
    s.latest.data = megolm::megolm_ratchet::data_type(p.latest.data.view());
    s.latest.counter = p.latest.counter;
    s.signing_key = p.signing_key;
    s.verified = p.signing_key_verified;
    return s;
}

inline result<megolm::outbound_session> import_outbound_group_session(std::string_view pickle,
                                                                      bytes_view pickle_key) {
    E2EKIT_TRY(p, parse_outbound_group_session(pickle, pickle_key));
    return import_outbound_group_session(p);
}

inline result<megolm::inbound_session> import_inbound_group_session(std::string_view pickle,
                                                                    bytes_view pickle_key) {
    E2EKIT_TRY(p, parse_inbound_group_session(pickle, pickle_key));
    return import_inbound_group_session(p);
}

} // namespace e2ekit::protocols::libolm

#endif
