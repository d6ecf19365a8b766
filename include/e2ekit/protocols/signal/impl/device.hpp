// Bodies of e2ekit/protocols/signal/device.hpp.
#ifndef E2EKIT_PROTOCOLS_SIGNAL_IMPL_DEVICE_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_IMPL_DEVICE_HPP

#include <algorithm>
#include <utility>

namespace e2ekit::protocols::signal {

namespace detail::device_impl {

/// The id after `id` in 1 .. max_prekey_id.
constexpr std::uint32_t next_id(std::uint32_t id) noexcept {
    return id % max_prekey_id + 1;
}

/// A first id for a new device, at random so that a reinstalled device is
/// unlikely to hand out ids its peers saw before.
template <random_source R>
std::uint32_t first_id(R& rng) {
    return 1 + random_below(rng, max_prekey_id);
}

/// `not_found` from the store as `absent`, any other error as itself.
template <class T>
result<std::optional<T>> optional_of(result<T> r) {
    if (r) return std::optional<T>(std::move(*r));
    if (r.error() == storage::storage_error::not_found) return std::optional<T>();
    return r.error();
}

/// Adds `count` one-time pre-keys from `id` on to `b`; the id after them.
template <random_source R>
std::uint32_t add_prekeys(storage::batch& b, std::uint32_t id, std::uint32_t count,
                          std::vector<std::uint32_t>& ids, R& rng) {
    for (std::uint32_t i = 0; i < count; ++i, id = next_id(id)) {
        const one_time_prekey k{id, crypto::x25519::generate(rng)};
        b.put(layout::prekeys, layout::key_of(id), stored::encode(k));
        ids.push_back(id);
    }
    return id;
}

} // namespace detail::device_impl

// --- creating and opening ---------------------------------------------------------

template <storage::store Store, trust::policy Trust>
template <random_source R>
result<device<Store, Trust>> device<Store, Trust>::create(Store& store, R& rng,
                                                          const device_options& o) {
    namespace d = detail::device_impl;
    E2EKIT_TRY(exists, store.contains(layout::local, layout::identity_key));
    if (exists) return device_error::identity_exists;
    stored::local_identity id{crypto::x25519::generate(rng),
                              o.registration_id.value_or(e2ekit::identity::generate_registration_id(
                                  rng, identity_params::max_registration_id))};
    const std::uint32_t spk_id = d::first_id(rng);
    const auto spk = signed_prekey::generate(id.keys, spk_id, o.timestamp, rng);
    const one_time_prekey last_resort{identity_params::last_resort_prekey_id,
                                      crypto::x25519::generate(rng)};

    storage::batch b;
    b.put(layout::local, layout::identity_key, stored::encode(id));
    b.put(layout::signed_prekeys, layout::key_of(spk.id), stored::encode(spk));
    b.put(layout::local, layout::current_signed_prekey, stored::encode_id(spk.id));
    b.put(layout::local, layout::next_signed_prekey_id, stored::encode_id(d::next_id(spk.id)));
    b.put(layout::prekeys, layout::key_of(last_resort.id), stored::encode(last_resort));
    std::vector<std::uint32_t> ids;
    const std::uint32_t next = d::add_prekeys(b, d::first_id(rng), o.one_time_prekeys, ids, rng);
    b.put(layout::local, layout::next_prekey_id, stored::encode_id(next));
    E2EKIT_CHECK(store.commit(std::move(b)));
    return device(store, std::move(id), o);
}

template <storage::store Store, trust::policy Trust>
result<device<Store, Trust>> device<Store, Trust>::create(Store& store, const device_options& o) {
    system_random rng;
    return create(store, rng, o);
}

template <storage::store Store, trust::policy Trust>
result<device<Store, Trust>> device<Store, Trust>::open(Store& store, const device_options& o) {
    auto v = store.get(layout::local, layout::identity_key);
    if (!v) {
        if (v.error() == storage::storage_error::not_found) return device_error::no_identity;
        return v.error();
    }
    E2EKIT_TRY(id, stored::parse_local_identity(v->view()));
    return device(store, std::move(id), o);
}

// --- pre-keys ---------------------------------------------------------------------

template <storage::store Store, trust::policy Trust>
result<std::uint32_t> device<Store, Trust>::load_id(std::string_view key) const {
    E2EKIT_TRY(v, store_->get(layout::local, key));
    return stored::parse_id(v.view());
}

template <storage::store Store, trust::policy Trust>
result<signed_prekey> device<Store, Trust>::load_signed_prekey(std::uint32_t id) const {
    auto v = store_->get(layout::signed_prekeys, layout::key_of(id));
    if (!v) {
        if (v.error() == storage::storage_error::not_found)
            return signal_error::unknown_signed_prekey;
        return v.error();
    }
    return stored::parse_signed_prekey(v->view());
}

template <storage::store Store, trust::policy Trust>
result<one_time_prekey> device<Store, Trust>::load_prekey(std::uint32_t id) const {
    auto v = store_->get(layout::prekeys, layout::key_of(id));
    if (!v) {
        if (v.error() == storage::storage_error::not_found) return signal_error::unknown_prekey;
        return v.error();
    }
    return stored::parse_one_time_prekey(v->view());
}

template <storage::store Store, trust::policy Trust>
template <random_source R>
result<std::vector<std::uint32_t>> device<Store, Trust>::generate_prekeys(std::uint32_t count,
                                                                          R& rng) {
    E2EKIT_TRY(first, load_id(layout::next_prekey_id));
    if (first == 0 || first > max_prekey_id) return device_error::bad_stored_key;
    storage::batch b;
    std::vector<std::uint32_t> ids;
    ids.reserve(count);
    const std::uint32_t next = detail::device_impl::add_prekeys(b, first, count, ids, rng);
    b.put(layout::local, layout::next_prekey_id, stored::encode_id(next));
    E2EKIT_CHECK(store_->commit(std::move(b)));
    return ids;
}

template <storage::store Store, trust::policy Trust>
template <random_source R>
result<std::uint32_t> device<Store, Trust>::refill_prekeys(std::uint32_t target, R& rng) {
    E2EKIT_TRY(held, prekey_ids());
    if (held.size() >= target) return std::uint32_t{0};
    const auto missing = static_cast<std::uint32_t>(target - held.size());
    E2EKIT_TRY(made, generate_prekeys(missing, rng));
    return static_cast<std::uint32_t>(made.size());
}

template <storage::store Store, trust::policy Trust>
result<std::vector<std::uint32_t>> device<Store, Trust>::prekey_ids() const {
    E2EKIT_TRY(keys, store_->list(layout::prekeys, ""));
    std::vector<std::uint32_t> ids;
    ids.reserve(keys.size());
    for (const auto& k : keys) {
        const auto id = layout::id_of(k);
        if (!id) return device_error::bad_stored_key;
        if (*id != identity_params::last_resort_prekey_id) ids.push_back(*id);
    }
    return ids;
}

template <storage::store Store, trust::policy Trust>
template <random_source R>
result<std::uint32_t> device<Store, Trust>::rotate_signed_prekey(std::uint64_t timestamp, R& rng) {
    E2EKIT_TRY(id, load_id(layout::next_signed_prekey_id));
    if (id == 0 || id > max_prekey_id) return device_error::bad_stored_key;
    const auto spk = signed_prekey::generate(identity_, id, timestamp, rng);
    storage::batch b;
    b.put(layout::signed_prekeys, layout::key_of(id), stored::encode(spk));
    b.put(layout::local, layout::current_signed_prekey, stored::encode_id(id));
    b.put(layout::local, layout::next_signed_prekey_id,
          stored::encode_id(detail::device_impl::next_id(id)));
    E2EKIT_CHECK(store_->commit(std::move(b)));
    return id;
}

template <storage::store Store, trust::policy Trust>
result<void> device<Store, Trust>::remove_signed_prekey(std::uint32_t id) {
    E2EKIT_TRY(current, load_id(layout::current_signed_prekey));
    if (id == current) return device_error::signed_prekey_in_use;
    return storage::erase_one(*store_, layout::signed_prekeys, layout::key_of(id));
}

template <storage::store Store, trust::policy Trust>
result<std::vector<std::uint32_t>> device<Store, Trust>::signed_prekey_ids() const {
    E2EKIT_TRY(keys, store_->list(layout::signed_prekeys, ""));
    std::vector<std::uint32_t> ids;
    ids.reserve(keys.size());
    for (const auto& k : keys) {
        const auto id = layout::id_of(k);
        if (!id) return device_error::bad_stored_key;
        ids.push_back(*id);
    }
    return ids;
}

template <storage::store Store, trust::policy Trust>
result<publication> device<Store, Trust>::publish() const {
    E2EKIT_TRY(current, load_id(layout::current_signed_prekey));
    E2EKIT_TRY(spk, load_signed_prekey(current));
    E2EKIT_TRY(last_resort, load_prekey(identity_params::last_resort_prekey_id));
    E2EKIT_TRY(ids, prekey_ids());
    publication p;
    p.registration_id = registration_id_;
    p.identity_key = identity_.pub;
    p.signed_prekey = {spk.id, spk.keys.pub, spk.signature, spk.timestamp};
    p.last_resort = {last_resort.id, last_resort.keys.pub};
    p.one_time_prekeys.reserve(ids.size());
    for (const auto id : ids) {
        E2EKIT_TRY(k, load_prekey(id));
        p.one_time_prekeys.push_back({k.id, k.keys.pub});
    }
    return p;
}

template <storage::store Store, trust::policy Trust>
result<prekey_bundle> device<Store, Trust>::bundle(std::uint32_t device_id,
                                                   std::optional<std::uint32_t> prekey_id) const {
    E2EKIT_TRY(current, load_id(layout::current_signed_prekey));
    E2EKIT_TRY(spk, load_signed_prekey(current));
    if (!prekey_id)
        return e2ekit::identity::make_bundle(identity_, registration_id_, device_id, spk);
    E2EKIT_TRY(k, load_prekey(*prekey_id));
    return e2ekit::identity::make_bundle(identity_, registration_id_, device_id, spk, &k);
}

// --- identities -------------------------------------------------------------------

template <storage::store Store, trust::policy Trust>
auto device<Store, Trust>::peer_of(const std::string& key) const -> result<const peer*> {
    if (auto it = cache_.find(key); it != cache_.end()) return &it->second;
    peer p;
    E2EKIT_TRY(stored_record, detail::device_impl::optional_of(store_->get(layout::sessions, key)));
    if (stored_record) {
        E2EKIT_TRY(r, signal::parse(stored_record->view()));
        p.record = std::move(r);
    }
    E2EKIT_TRY(stored_pin, detail::device_impl::optional_of(store_->get(layout::identities, key)));
    if (stored_pin) {
        E2EKIT_TRY(r, trust::parse_record(stored_pin->view()));
        p.pinned = std::move(r);
    }
    // Only here does the cache grow, and only the entry of the operation
    // under way is referred to while it runs.
    while (cache_.size() >= max_cached_)
        cache_.erase(cache_.begin());
    return &cache_.emplace(key, std::move(p)).first->second;
}

template <storage::store Store, trust::policy Trust>
result<std::optional<trust::record>> device<Store, Trust>::identity(const address& a) const {
    E2EKIT_TRY(p, peer_of(layout::key_of(a)));
    return p->pinned;
}

template <storage::store Store, trust::policy Trust>
result<void> device<Store, Trust>::set_identity(const address& a, const public_key& key,
                                                trust::level l) {
    const std::string k = layout::key_of(a);
    const auto encoded = key_encoding::encode(key);
    trust::record r{to_bytes(encoded), l};
    storage::batch b;
    b.put(layout::identities, k, trust::encode(r));
    if (auto c = store_->commit(std::move(b)); !c) {
        cache_.erase(k);
        return c;
    }
    if (auto it = cache_.find(k); it != cache_.end()) it->second.pinned = std::move(r);
    return ok();
}

// --- sessions ---------------------------------------------------------------------

template <storage::store Store, trust::policy Trust>
result<bool> device<Store, Trust>::has_session(const address& a) const {
    E2EKIT_TRY(p, peer_of(layout::key_of(a)));
    return p->record && p->record->current.has_value();
}

template <storage::store Store, trust::policy Trust>
result<std::vector<std::uint32_t>>
device<Store, Trust>::session_devices(std::string_view name) const {
    E2EKIT_TRY(keys, store_->list(layout::sessions, layout::prefix_of(name)));
    std::vector<std::uint32_t> ids;
    ids.reserve(keys.size());
    for (const auto& k : keys) {
        const auto id = layout::device_id_of(k);
        if (!id) return device_error::bad_stored_key;
        ids.push_back(*id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

template <storage::store Store, trust::policy Trust>
result<void> device<Store, Trust>::delete_session(const address& a) {
    const std::string k = layout::key_of(a);
    cache_.erase(k);
    return storage::erase_one(*store_, layout::sessions, k);
}

template <storage::store Store, trust::policy Trust>
auto device<Store, Trust>::begin(const address& a) const -> result<change> {
    change c;
    c.key = layout::key_of(a);
    E2EKIT_TRY(p, peer_of(c.key));
    c.committed = p;
    c.pinned = p->pinned;
    return c;
}

template <storage::store Store, trust::policy Trust>
auto device<Store, Trust>::judge(const std::optional<trust::record>& pinned,
                                 const public_key& presented) const -> result<new_pin> {
    const auto encoded = key_encoding::encode(presented);
    const trust::verdict v = Trust::decide(pinned, encoded);
    E2EKIT_CHECK(trust::enforce(v));
    if (!v.pin) return new_pin{};
    return new_pin{trust::record{to_bytes(encoded), v.trust}};
}

template <storage::store Store, trust::policy Trust>
result<void> device<Store, Trust>::finish(change& c) {
    storage::batch b;
    if (c.record) b.put(layout::sessions, c.key, signal::serialize(*c.record));
    for (const auto id : c.used_prekeys)
        b.erase(layout::prekeys, layout::key_of(id));
    if (c.pin) b.put(layout::identities, c.key, trust::encode(*c.pinned));
    if (auto r = store_->commit(std::move(b)); !r) {
        // The store reads as before (or, for an unknown outcome, must be
        // read again): what is cached for this peer may be stale.
        cache_.erase(c.key);
        return r;
    }
    peer& p = cache_[c.key]; // begin() put it there; nothing evicted it since
    if (c.record) p.record = std::move(c.record);
    p.pinned = std::move(c.pinned);
    return ok();
}

template <storage::store Store, trust::policy Trust>
template <random_source R>
result<void> device<Store, Trust>::process_bundle(const address& a, const prekey_bundle& b,
                                                  R& rng) {
    E2EKIT_TRY(c, begin(a));
    E2EKIT_TRY(p, judge(c.pinned, b.identity_key));
    E2EKIT_TRY(state, signal::initiate(identity_, registration_id_, b, rng));
    auto [next, started] = signal::add_initiated(c.current(), std::move(state)).split();
    (void)started;
    c.record = std::move(next);
    c.take(std::move(p));
    return finish(c);
}

template <storage::store Store, trust::policy Trust>
result<void> device<Store, Trust>::process_bundle(const address& a, const prekey_bundle& b) {
    system_random rng;
    return process_bundle(a, b, rng);
}

template <storage::store Store, trust::policy Trust>
template <random_source R>
result<outgoing> device<Store, Trust>::encrypt(const address& a, bytes_view plaintext, R& rng) {
    E2EKIT_TRY(c, begin(a));
    const session_record& r = c.current();
    if (!r.current) return signal_error::no_session;
    E2EKIT_TRY(p, judge(c.pinned, r.current->remote_identity));
    E2EKIT_TRY(step, signal::encrypt(r, plaintext, rng));
    auto [next, out] = std::move(step).split();
    c.record = std::move(next);
    c.take(std::move(p));
    E2EKIT_CHECK(finish(c));
    return std::move(out); // only now: the state that sent it is durable
}

template <storage::store Store, trust::policy Trust>
result<outgoing> device<Store, Trust>::encrypt(const address& a, bytes_view plaintext) {
    system_random rng;
    return encrypt(a, plaintext, rng);
}

template <storage::store Store, trust::policy Trust>
result<secret_bytes> device<Store, Trust>::apply(change& c, message_type type,
                                                 bytes_view body) const {
    if (type == message_type::signal) {
        E2EKIT_TRY(m, parse_signal_message(body));
        const session_record& r = c.current();
        if (!r.current && r.archived.empty()) return signal_error::no_session;
        E2EKIT_TRY(step, signal::decrypt(r, m));
        // The state that decrypted is current now; its peer must still be
        // trusted.
        E2EKIT_TRY(p, judge(c.pinned, step.state().current->remote_identity));
        auto [next, plaintext] = std::move(step).split();
        c.record = std::move(next);
        c.take(std::move(p));
        return std::move(plaintext);
    }
    if (type != message_type::prekey) return envelope::envelope_error::malformed;

    E2EKIT_TRY(m, parse_prekey_signal_message(body));
    // libsignal-protocol-c session_builder_process_pre_key_signal_message:
    // the sender's identity first, before any key is looked up or used.
    E2EKIT_TRY(p, judge(c.pinned, m.identity_key));
    std::optional<signed_prekey> spk;
    std::optional<one_time_prekey> otk;
    const auto lookup = [&](const prekey_signal_message& msg) -> result<responder_keys> {
        E2EKIT_TRY(s, load_signed_prekey(msg.signed_prekey_id));
        spk = std::move(s);
        const key_pair* one_time = nullptr;
        if (msg.prekey_id) {
            // Used up earlier in this backlog: gone, as it will be once
            // committed.
            if (std::find(c.used_prekeys.begin(), c.used_prekeys.end(), *msg.prekey_id) !=
                c.used_prekeys.end())
                return signal_error::unknown_prekey;
            E2EKIT_TRY(k, load_prekey(*msg.prekey_id));
            otk = std::move(k);
            one_time = &otk->keys;
        }
        return responder_keys{identity_, registration_id_, spk->keys, one_time};
    };
    E2EKIT_TRY(step, signal::decrypt_prekey(c.current(), m, lookup));
    auto [next, out] = std::move(step).split();
    c.record = std::move(next);
    c.take(std::move(p));
    if (out.used_prekey_id && *out.used_prekey_id != identity_params::last_resort_prekey_id)
        c.used_prekeys.push_back(*out.used_prekey_id);
    return std::move(out.plaintext);
}

template <storage::store Store, trust::policy Trust>
result<secret_bytes> device<Store, Trust>::decrypt(const address& a, message_type type,
                                                   bytes_view body) {
    E2EKIT_TRY(c, begin(a));
    E2EKIT_TRY(plaintext, apply(c, type, body));
    E2EKIT_CHECK(finish(c)); // on failure `plaintext` is wiped unreleased
    return plaintext;
}

template <storage::store Store, trust::policy Trust>
result<std::vector<result<secret_bytes>>>
device<Store, Trust>::decrypt_all(const address& a, std::span<const incoming> messages) {
    E2EKIT_TRY(c, begin(a));
    std::vector<result<secret_bytes>> held;
    held.reserve(messages.size());
    bool any = false;
    for (const auto& m : messages) {
        held.push_back(apply(c, m.type, m.body));
        any = any || held.back().has_value();
    }
    // Nothing held leaves before the one commit; when it fails, `held`
    // is wiped with the vector.
    if (any) E2EKIT_CHECK(finish(c));
    return held;
}

} // namespace e2ekit::protocols::signal

#endif
