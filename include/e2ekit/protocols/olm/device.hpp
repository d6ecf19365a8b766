// One local Olm device over any store: its account and its sessions, kept
// under this layout (values are the stored forms of account.hpp and
// session.hpp):
//
// | namespace        | key                                  | value                      |
// |------------------|--------------------------------------|----------------------------|
// | `olm.account`    | `account`                            | `account::serialize()`     |
// | `olm.sessions`   | peer Curve25519 key (64 hex) `/`     | `serialize(session_state)` |
// |                  | session id (64 hex)                  |                            |
// | `olm.preferred`  | peer Curve25519 key (64 hex)         | the session id (32 bytes)  |
//
// Every operation that changes something commits ONE storage batch before
// anything leaves the device (DESIGN "commits come before plaintext"):
//
//   create / one-time and fallback keys   batch: the account
//   create_outbound                       batch: the session, preferred
//   encrypt                               batch: the session
//   decrypt (normal, or pre-key of a      batch: the session, preferred
//   known session)
//   decrypt (pre-key, new session)        batch: the account without the
//                                         used one-time key, the session,
//                                         preferred
//
// A step that fails (bad input, a store that refused the commit) changes
// nothing stored and releases nothing. A message goes to the peer's
// sessions in turn, the preferred one (the latest to start or decrypt
// something, as Matrix clients choose) first; a pre-key message only to
// the sessions it matches (matches_inbound_session), else it starts one.
// The account is kept in memory as last committed; sessions are read from
// the store for each message. One device must be the only writer of its
// store's `olm.*` namespaces; it is not thread-safe.
#ifndef E2EKIT_PROTOCOLS_OLM_DEVICE_HPP
#define E2EKIT_PROTOCOLS_OLM_DEVICE_HPP

#include <e2ekit/codec/hex.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/protocols/olm/account.hpp>
#include <e2ekit/protocols/olm/error.hpp>
#include <e2ekit/protocols/olm/messages.hpp>
#include <e2ekit/protocols/olm/session.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>
#include <e2ekit/storage/error.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace e2ekit::protocols::olm {

struct device_layout {
    static constexpr std::string_view account_ns = "olm.account";
    static constexpr std::string_view account_key = "account";
    static constexpr std::string_view sessions_ns = "olm.sessions";
    static constexpr std::string_view preferred_ns = "olm.preferred";

    static std::string peer_key(const public_key& peer) { return codec::hex::encode(peer); }
    static std::string session_key(const public_key& peer, const session_id& id) {
        return peer_key(peer) + "/" + codec::hex::encode(id);
    }
};

template <storage::store Store>
class device {
public:
    using layout = device_layout;

    /// A new account, committed.
    template <random_source R>
    static result<device> create(Store& store, R& rng) {
        device d(store, account::create(rng));
        E2EKIT_CHECK(d.commit_account(d.account_));
        return d;
    }

    /// The account a store holds.
    static result<device> open(Store& store) {
        E2EKIT_TRY(stored, store.get(layout::account_ns, layout::account_key));
        E2EKIT_TRY(a, account::parse(stored.view()));
        return device(store, std::move(a));
    }

    const olm::account& account() const noexcept { return account_; }

    template <random_source R>
    result<std::vector<published_key>> generate_one_time_keys(std::size_t n, R& rng) {
        olm::account next = account_.clone();
        next.generate_one_time_keys(n, rng);
        E2EKIT_CHECK(commit_account(next));
        return account_.one_time_keys();
    }
    result<void> mark_keys_as_published() {
        olm::account next = account_.clone();
        (void)next.mark_keys_as_published();
        return commit_account(next);
    }
    template <random_source R>
    result<published_key> generate_fallback_key(R& rng) {
        olm::account next = account_.clone();
        next.generate_fallback_key(rng);
        E2EKIT_CHECK(commit_account(next));
        return *account_.fallback_key();
    }
    result<void> forget_old_fallback_key() {
        olm::account next = account_.clone();
        next.forget_old_fallback_key();
        return commit_account(next);
    }

    /// Starts a session with a peer from its identity and one-time key
    /// (whose signature the caller checked); it becomes the preferred one.
    template <random_source R>
    result<session_id> create_outbound(const public_key& peer, const public_key& one_time_key,
                                       R& rng) {
        E2EKIT_TRY(s, account_.create_outbound(peer, one_time_key, rng));
        const session_id id = id_of(s);
        storage::batch b;
        put_session(b, peer, s);
        E2EKIT_CHECK(store_->commit(b));
        return id;
    }

    /// The ids of the sessions with a peer, the preferred one first.
    result<std::vector<session_id>> sessions_with(const public_key& peer) const {
        E2EKIT_TRY(keys, store_->list(layout::sessions_ns, layout::peer_key(peer) + "/"));
        std::vector<session_id> ids;
        for (const auto& k : keys) {
            auto id = codec::hex::decode(std::string_view(k).substr(65));
            if (!id || id->size() != 32) return olm_error::bad_state;
            session_id s;
            std::copy(id->begin(), id->end(), s.begin());
            ids.push_back(s);
        }
        auto pref = store_->get(layout::preferred_ns, layout::peer_key(peer));
        if (pref && pref->size() == 32) {
            session_id p;
            std::copy(pref->view().begin(), pref->view().end(), p.begin());
            auto it = std::find(ids.begin(), ids.end(), p);
            if (it != ids.end()) std::rotate(ids.begin(), it, it + 1);
        }
        return ids;
    }

    /// Encrypts with the preferred session; the message leaves after the
    /// session's next state is committed.
    template <random_source R>
    result<outgoing> encrypt(const public_key& peer, bytes_view plaintext, R& rng) {
        E2EKIT_TRY(ids, sessions_with(peer));
        if (ids.empty()) return olm_error::no_session;
        E2EKIT_TRY(s, load(peer, ids.front()));
        E2EKIT_TRY(step, olm::encrypt(s, plaintext, rng));
        return std::move(step).commit([&](const session_state& next) -> result<void> {
            storage::batch b;
            b.put(layout::sessions_ns, layout::session_key(peer, ids.front()), serialize(next));
            return store_->commit(b);
        });
    }

    /// Decrypts a message from a peer (see the header comment for which
    /// session takes it); the plaintext is released after the commit.
    result<secret_bytes> decrypt(const public_key& peer, message_type type, bytes_view body) {
        E2EKIT_TRY(ids, sessions_with(peer));
        std::optional<std::error_code> first_error;
        bool matched = false; // a pre-key message of a session held
        for (const auto& id : ids) {
            E2EKIT_TRY(s, load(peer, id));
            if (type == message_type::prekey) {
                E2EKIT_TRY(match, matches_inbound_session(s, body, &peer));
                if (!match) continue;
                matched = true;
            }
            auto step = olm::decrypt(s, type, body);
            if (!step) {
                if (!first_error) first_error = step.error();
                continue;
            }
            return std::move(*step).commit([&](const session_state& next) -> result<void> {
                storage::batch b;
                put_session(b, peer, next);
                return store_->commit(b);
            });
        }
        if (type != message_type::prekey || matched) {
            // A pre-key message of a session held that it refused (a
            // replay, a forgery) starts no other one.
            if (first_error) return *first_error;
            return olm_error::no_session;
        }
        E2EKIT_TRY(in, account_.create_inbound(body, &peer));
        olm::account next_account;
        auto pt = std::move(in).commit([&](const inbound_state& st) -> result<void> {
            storage::batch b;
            b.put(layout::account_ns, layout::account_key, st.account.serialize());
            put_session(b, peer, st.session);
            E2EKIT_CHECK(store_->commit(b));
            next_account = st.account.clone();
            return {};
        });
        if (pt) account_ = std::move(next_account);
        return pt;
    }

private:
    device(Store& store, olm::account a) : store_(&store), account_(std::move(a)) {}

    result<void> commit_account(const olm::account& next) {
        storage::batch b;
        b.put(layout::account_ns, layout::account_key, next.serialize());
        E2EKIT_CHECK(store_->commit(b));
        if (&next != &account_) account_ = next.clone();
        return {};
    }

    static void put_session(storage::batch& b, const public_key& peer, const session_state& s) {
        const session_id id = id_of(s);
        b.put(layout::sessions_ns, layout::session_key(peer, id), serialize(s));
        b.put(layout::preferred_ns, layout::peer_key(peer), bytes_view(id));
    }

    result<session_state> load(const public_key& peer, const session_id& id) const {
        E2EKIT_TRY(stored, store_->get(layout::sessions_ns, layout::session_key(peer, id)));
        return parse_session(stored.view());
    }

    Store* store_;
    olm::account account_;
};

} // namespace e2ekit::protocols::olm

#endif
