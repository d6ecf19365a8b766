// One local Signal device over any store: its identity key pair and
// registration id, its signed and one-time pre-keys, its session records
// and the identities it pinned, kept under the layout of device_store.hpp.
//
// Every operation that changes something is one pending step made durable
// in ONE storage batch before anything leaves the device (DESIGN "commits
// come before plaintext"):
//
//   process_bundle   X3DH as initiator    batch: new record, identity pin
//   encrypt          one message out       batch: record, identity pin
//   decrypt          one message in        batch: record, used one-time
//                                          pre-key erased, identity pin
//   decrypt_all      a backlog of N        batch: the record after all N,
//                    messages in           every pre-key used, the pin
//
// The ciphertext or plaintext is released only when the commit returned
// success; a step that fails (bad input, an untrusted identity, a store
// that refused the commit) changes nothing stored and releases nothing.
// So a crash at any moment never loses a session, never reuses a message
// key for a message that was released, and never shows a plaintext whose
// state was lost: the worst a crash between commit and release does is
// drop that one message (its key is spent, its replay is a duplicate).
//
// Trust: the `Trust` policy (trust/concept.hpp) is asked about the peer's
// identity key before a bundle is used, before a PreKeySignalMessage is
// accepted (as libsignal-protocol-c's session builder does), and before
// every encrypt and decrypt with an existing session, so a key the user
// later distrusts stops the session. A refusal is the policy's typed error
// (trust_error::untrusted_identity / undecided_identity) and stores
// nothing; `set_identity` records the user's decision.
//
// Caching: parsed records and pinned identities of recently used peers
// stay in memory (`device_options::cached_peers`), refreshed only from
// what was committed. One device object must be the only writer of its
// store's Signal namespaces (a filesystem_store handle is exclusive
// anyway; give each account a storage::scoped view of a shared store).
// A device is not thread-safe.
#ifndef E2EKIT_PROTOCOLS_SIGNAL_DEVICE_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_DEVICE_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/identity/bundle.hpp>
#include <e2ekit/identity/prekeys.hpp>
#include <e2ekit/protocols/signal/device_store.hpp>
#include <e2ekit/protocols/signal/error.hpp>
#include <e2ekit/protocols/signal/messages.hpp>
#include <e2ekit/protocols/signal/params.hpp>
#include <e2ekit/protocols/signal/record.hpp>
#include <e2ekit/protocols/signal/session.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>
#include <e2ekit/storage/error.hpp>
#include <e2ekit/trust/concept.hpp>
#include <e2ekit/trust/record.hpp>
#include <e2ekit/trust/tofu.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace e2ekit::protocols::signal {

struct device_options {
    /// One-time pre-keys made by `create` (libsignal clients upload 100).
    std::uint32_t one_time_prekeys = 100;
    /// Of the first signed pre-key: milliseconds since the epoch.
    std::uint64_t timestamp = 0;
    /// Drawn from 1 .. identity_params::max_registration_id when absent.
    std::optional<std::uint32_t> registration_id;
    /// Peers whose parsed record and pinned identity stay in memory (at
    /// least one: the peer of the operation under way).
    std::size_t cached_peers = 64;
};

/// A pre-key as a server publishes it.
struct published_prekey {
    std::uint32_t id = 0;
    public_key key{};
    friend bool operator==(const published_prekey&, const published_prekey&) = default;
};

struct published_signed_prekey {
    std::uint32_t id = 0;
    public_key key{};
    x3dh_params::signature signature{};
    std::uint64_t timestamp = 0;
    friend bool operator==(const published_signed_prekey&,
                           const published_signed_prekey&) = default;
};

/// Everything a device uploads so that others can start sessions with it.
struct publication {
    std::uint32_t registration_id = 0;
    public_key identity_key{};
    published_signed_prekey signed_prekey;
    std::vector<published_prekey> one_time_prekeys; ///< in id order
    published_prekey last_resort;                   ///< id 0xFFFFFF, never used up
};

/// A received message: its type as the transport labelled it, and its
/// bytes (a view: they must outlive the call).
struct incoming {
    message_type type = message_type::signal;
    bytes_view body;
    incoming(message_type t, bytes_view b) : type(t), body(b) {}
    incoming(const outgoing& o) : type(o.type), body(o.body) {} // NOLINT: as sent
};

template <storage::store Store, trust::policy Trust = trust::tofu>
class device {
public:
    using store_type = Store;
    using trust_policy = Trust;

    /// A new device in `store`: identity key pair, registration id, a
    /// signed pre-key, the last-resort pre-key and `one_time_prekeys`
    /// one-time pre-keys, in one commit. `identity_exists` when the store
    /// already holds one.
    template <random_source R>
    static result<device> create(Store& store, R& rng, const device_options& o = {});
    static result<device> create(Store& store, const device_options& o = {});

    /// The device a store holds (`no_identity` when it holds none).
    static result<device> open(Store& store, const device_options& o = {});

    device(device&&) noexcept = default;
    device& operator=(device&&) noexcept = default;
    device(const device&) = delete;
    device& operator=(const device&) = delete;
    ~device() = default;

    const public_key& identity_key() const noexcept { return identity_.pub; }
    std::uint32_t registration_id() const noexcept { return registration_id_; }
    Store& store() const noexcept { return *store_; }

    // --- pre-keys ------------------------------------------------------------

    /// `count` new one-time pre-keys, with the ids that follow the last
    /// ones made (1 .. 0xFFFFFE, wrapping); their ids.
    template <random_source R>
    result<std::vector<std::uint32_t>> generate_prekeys(std::uint32_t count, R& rng);
    /// As many new one-time pre-keys as bring their number up to `target`;
    /// how many were made.
    template <random_source R>
    result<std::uint32_t> refill_prekeys(std::uint32_t target, R& rng);
    /// The one-time pre-keys held, in id order (the last-resort key apart).
    result<std::vector<std::uint32_t>> prekey_ids() const;

    /// A new signed pre-key becomes current; the old ones stay until
    /// removed, for messages already under way. Its id.
    template <random_source R>
    result<std::uint32_t> rotate_signed_prekey(std::uint64_t timestamp, R& rng);
    /// Removes an old signed pre-key (`signed_prekey_in_use` for the
    /// current one).
    result<void> remove_signed_prekey(std::uint32_t id);
    result<std::vector<std::uint32_t>> signed_prekey_ids() const;

    /// What to upload: identity, registration id, current signed pre-key,
    /// every one-time pre-key and the last-resort key.
    result<publication> publish() const;
    /// A bundle as a server hands it to an initiator: the current signed
    /// pre-key and, when `prekey_id` is given, that one-time pre-key
    /// (`unknown_prekey` when it is not held).
    result<prekey_bundle> bundle(std::uint32_t device_id,
                                 std::optional<std::uint32_t> prekey_id = std::nullopt) const;

    // --- identities ----------------------------------------------------------

    /// What is pinned for a peer device, if anything.
    result<std::optional<trust::record>> identity(const address& a) const;
    /// The user's decision about a peer's key (accept a changed key:
    /// `trust::level::trusted`), replacing what was pinned.
    result<void> set_identity(const address& a, const public_key& key, trust::level l);

    // --- sessions ------------------------------------------------------------

    /// Whether a session with the peer can encrypt (a current state).
    result<bool> has_session(const address& a) const;
    /// The device ids of `name` that a session record is stored for.
    result<std::vector<std::uint32_t>> session_devices(std::string_view name) const;
    result<void> delete_session(const address& a);

    /// Starts a session from a peer's bundle (X3DH §3.3): the bundle's
    /// identity must pass the trust policy and its signed pre-key
    /// signature must verify. The new state becomes current; an older one
    /// is archived.
    template <random_source R>
    result<void> process_bundle(const address& a, const prekey_bundle& b, R& rng);
    result<void> process_bundle(const address& a, const prekey_bundle& b);

    /// Encrypts one message with the current session: a
    /// PreKeySignalMessage until the peer answered, then SignalMessages.
    template <random_source R>
    result<outgoing> encrypt(const address& a, bytes_view plaintext, R& rng);
    result<outgoing> encrypt(const address& a, bytes_view plaintext);

    /// Decrypts one message. A PreKeySignalMessage may start a session
    /// (X3DH §3.4); the one-time pre-key it used is erased in the same
    /// commit (the last-resort key is kept).
    result<secret_bytes> decrypt(const address& a, message_type type, bytes_view body);
    result<secret_bytes> decrypt(const address& a, const incoming& m) {
        return decrypt(a, m.type, m.body);
    }

    /// Decrypts a backlog from one peer in order with ONE commit (DESIGN
    /// "commit in batches"): each message's result, in order; a message
    /// that fails has its own error and leaves the state as it found it.
    /// Nothing is released before the commit; when it fails, the commit's
    /// error is returned instead and no message counts as read.
    result<std::vector<result<secret_bytes>>> decrypt_all(const address& a,
                                                          std::span<const incoming> messages);

private:
    /// What the store holds for one peer device.
    struct peer {
        std::optional<session_record> record;
        std::optional<trust::record> pinned;
    };

    /// The changes one operation gathers before its commit.
    struct change {
        std::string key;
        const peer* committed = nullptr;
        std::optional<session_record> record; ///< the record after the steps so far
        std::optional<trust::record> pinned;  ///< what is pinned after them
        bool pin = false;                     ///< `pinned` is new
        std::vector<std::uint32_t> used_prekeys;

        /// A pin the policy asked for, once the step that asked succeeded.
        void take(std::optional<trust::record> p) {
            if (!p) return;
            pinned = std::move(p);
            pin = true;
        }

        const session_record& current() const {
            if (record) return *record;
            if (committed->record) return *committed->record;
            return empty_record();
        }
    };

    device(Store& s, stored::local_identity id, const device_options& o)
        : store_(&s), identity_(std::move(id.keys)), registration_id_(id.registration_id),
          max_cached_(o.cached_peers ? o.cached_peers : 1) {}

    static const session_record& empty_record() {
        static const session_record empty;
        return empty;
    }

    result<const peer*> peer_of(const std::string& key) const;
    result<change> begin(const address& a) const;
    /// A record to pin for the peer (when the policy asks for one).
    using new_pin = std::optional<trust::record>;
    /// The policy's verdict on `presented`: its typed error when it refuses.
    result<new_pin> judge(const std::optional<trust::record>& pinned,
                          const public_key& presented) const;
    /// One received message applied to `c`; the plaintext (not to be
    /// released before `c` is committed).
    result<secret_bytes> apply(change& c, message_type type, bytes_view body) const;
    result<void> finish(change& c);

    result<signed_prekey> load_signed_prekey(std::uint32_t id) const;
    result<one_time_prekey> load_prekey(std::uint32_t id) const;
    result<std::uint32_t> load_id(std::string_view key) const;

    Store* store_;
    key_pair identity_;
    std::uint32_t registration_id_ = 0;
    std::size_t max_cached_ = 1;
    mutable std::map<std::string, peer> cache_;
};

} // namespace e2ekit::protocols::signal

#include <e2ekit/protocols/signal/impl/device.hpp>

#endif
