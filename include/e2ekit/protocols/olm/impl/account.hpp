// Bodies of account.hpp.
#ifndef E2EKIT_PROTOCOLS_OLM_IMPL_ACCOUNT_HPP
#define E2EKIT_PROTOCOLS_OLM_IMPL_ACCOUNT_HPP

#include <e2ekit/protocols/olm/account.hpp>

namespace e2ekit::protocols::olm {

namespace detail {

inline constexpr std::uint32_t account_format = 1;

struct wire_account_key {
    std::uint32_t id = 0;
    bool published = false;
    byte_array<32> priv{};
    friend constexpr auto describe(codec::tag<wire_account_key>) {
        using namespace codec;
        using W = wire_account_key;
        return fields(required<1, kind::uint32>("id", &W::id),
                      field<2, kind::boolean>("published", &W::published),
                      required<3, kind::bytes>("private", &W::priv));
    }
};

struct wire_account {
    std::uint32_t format = 0;
    std::optional<byte_array<32>> ed25519_seed;
    std::optional<byte_array<64>> ed25519_expanded;
    byte_array<32> curve25519_private{};
    std::vector<wire_account_key> one_time_keys;
    std::optional<wire_account_key> fallback;
    std::optional<wire_account_key> previous_fallback;
    std::uint32_t next_key_id = 0;

    void wipe() noexcept {
        if (ed25519_seed) ct::wipe(*ed25519_seed);
        if (ed25519_expanded) ct::wipe(*ed25519_expanded);
        ct::wipe(curve25519_private);
        for (auto& k : one_time_keys)
            ct::wipe(k.priv);
        if (fallback) ct::wipe(fallback->priv);
        if (previous_fallback) ct::wipe(previous_fallback->priv);
    }
    friend constexpr auto describe(codec::tag<wire_account>) {
        using namespace codec;
        using W = wire_account;
        return fields(required<1, kind::uint32>("format", &W::format),
                      field<2, kind::bytes>("ed25519Seed", &W::ed25519_seed),
                      required<3, kind::bytes>("curve25519Private", &W::curve25519_private),
                      field<4, kind::repeated<kind::message>>("oneTimeKeys", &W::one_time_keys),
                      field<5, kind::message>("fallback", &W::fallback),
                      field<6, kind::message>("previousFallback", &W::previous_fallback),
                      field<7, kind::uint32>("nextKeyId", &W::next_key_id),
                      field<8, kind::bytes>("ed25519Expanded", &W::ed25519_expanded));
    }
};

inline wire_account_key to_wire(const account_key& k) {
    wire_account_key w;
    w.id = k.id;
    w.published = k.published;
    std::copy(k.key.priv.view().begin(), k.key.priv.view().end(), w.priv.begin());
    return w;
}

inline account_key from_wire(const wire_account_key& w) {
    return {w.id, w.published, crypto::x25519::from_private(crypto::x25519::private_key(w.priv))};
}

} // namespace detail

inline secret_bytes account::serialize() const {
    detail::wire_account w;
    struct guard {
        detail::wire_account& w;
        ~guard() { w.wipe(); }
    } g{w};
    w.format = detail::account_format;
    // A seed when there is one (the expanded key follows from it), else
    // the expanded key.
    if (seed_) {
        w.ed25519_seed.emplace();
        std::copy(seed_->view().begin(), seed_->view().end(), w.ed25519_seed->begin());
    } else {
        w.ed25519_expanded.emplace();
        std::copy(expanded_.view().begin(), expanded_.view().end(), w.ed25519_expanded->begin());
    }
    std::copy(identity_.priv.view().begin(), identity_.priv.view().end(),
              w.curve25519_private.begin());
    w.one_time_keys.reserve(one_time_keys_.size());
    for (const auto& k : one_time_keys_)
        w.one_time_keys.push_back(detail::to_wire(k));
    if (fallback_) w.fallback = detail::to_wire(*fallback_);
    if (previous_fallback_) w.previous_fallback = detail::to_wire(*previous_fallback_);
    w.next_key_id = next_key_id_;
    secret_bytes out(codec::protobuf::encoded_size(w));
    codec::protobuf::encode_to(out.mutable_view(), w);
    return out;
}

inline result<account> account::parse(bytes_view stored) {
    auto decoded = codec::protobuf::decode<detail::wire_account>(stored);
    if (!decoded) return olm_error::bad_state;
    detail::wire_account& w = *decoded;
    struct guard {
        detail::wire_account& w;
        ~guard() { w.wipe(); }
    } g{w};
    if (w.format != detail::account_format) return olm_error::unsupported_state;
    std::vector<std::uint32_t> ids;
    for (const auto& k : w.one_time_keys)
        ids.push_back(k.id);
    E2EKIT_CHECK(check_keys(
        w.one_time_keys.size(), ids,
        w.fallback ? std::optional<std::uint32_t>(w.fallback->id) : std::nullopt,
        w.previous_fallback ? std::optional<std::uint32_t>(w.previous_fallback->id) : std::nullopt,
        w.next_key_id));
    // Exactly one form of the Ed25519 key.
    if (w.ed25519_seed.has_value() == w.ed25519_expanded.has_value()) return olm_error::bad_state;
    account a;
    if (w.ed25519_seed) {
        a.set_seed(crypto::ed25519::seed(*w.ed25519_seed));
    } else {
        a.expanded_ = crypto::ed25519::expanded_key(*w.ed25519_expanded);
        auto pub = crypto::ed25519::public_from_expanded(a.expanded_);
        if (!pub) return olm_error::bad_state;
        a.ed25519_ = *pub;
    }
    a.identity_ = crypto::x25519::from_private(crypto::x25519::private_key(w.curve25519_private));
    a.one_time_keys_.reserve(w.one_time_keys.size());
    for (const auto& k : w.one_time_keys)
        a.one_time_keys_.push_back(detail::from_wire(k));
    if (w.fallback) a.fallback_ = detail::from_wire(*w.fallback);
    if (w.previous_fallback) a.previous_fallback_ = detail::from_wire(*w.previous_fallback);
    a.next_key_id_ = w.next_key_id;
    return a;
}

// Invariants the member functions keep: at most 100 one-time keys, ids
// unique and below the next id, newest (highest id) first; fallback ids
// not above the next id; no previous fallback key without a current one.
inline result<void> account::check_keys(std::size_t one_time_keys,
                                        const std::vector<std::uint32_t>& ids_newest_first,
                                        std::optional<std::uint32_t> fallback,
                                        std::optional<std::uint32_t> previous_fallback,
                                        std::uint32_t next_key_id) {
    if (one_time_keys > max_one_time_keys) return olm_error::bad_state;
    std::uint64_t above = std::uint64_t{next_key_id} + 1;
    for (std::uint32_t id : ids_newest_first) {
        if (id == 0 || id >= above) return olm_error::bad_state;
        above = id;
    }
    for (const auto& f : {fallback, previous_fallback})
        if (f && (*f == 0 || *f > next_key_id)) return olm_error::bad_state;
    if (previous_fallback && !fallback) return olm_error::bad_state;
    return ok();
}

inline result<account> account::from_parts(crypto::ed25519::expanded_key signing, key_pair identity,
                                           std::vector<account_key> one_time_keys,
                                           std::optional<account_key> fallback,
                                           std::optional<account_key> previous_fallback,
                                           std::uint32_t next_key_id) {
    std::vector<std::uint32_t> ids;
    for (const auto& k : one_time_keys)
        ids.push_back(k.id);
    E2EKIT_CHECK(check_keys(one_time_keys.size(), ids,
                            fallback ? std::optional<std::uint32_t>(fallback->id) : std::nullopt,
                            previous_fallback ? std::optional<std::uint32_t>(previous_fallback->id)
                                              : std::nullopt,
                            next_key_id));
    E2EKIT_TRY(pub, crypto::ed25519::public_from_expanded(signing));
    account a;
    a.expanded_ = std::move(signing);
    a.ed25519_ = pub;
    a.identity_ = std::move(identity);
    a.one_time_keys_ = std::move(one_time_keys);
    a.fallback_ = std::move(fallback);
    a.previous_fallback_ = std::move(previous_fallback);
    a.next_key_id_ = next_key_id;
    return a;
}

inline result<inbound_step> account::create_inbound(bytes_view prekey_wire,
                                                    const public_key* their_identity) const {
    E2EKIT_TRY(p, parse_prekey_message(prekey_wire));
    if (their_identity && *their_identity != p.identity_key) return olm_error::session_mismatch;
    const key_pair* otk = find_key(p.one_time_key);
    if (!otk) return olm_error::unknown_one_time_key;
    E2EKIT_TRY(step, olm::create_inbound(identity_, *otk, p));
    auto [session, plaintext] = std::move(step).split();
    account next = clone();
    next.remove_one_time_key(p.one_time_key);
    return inbound_step(inbound_state{std::move(next), std::move(session)}, std::move(plaintext));
}

} // namespace e2ekit::protocols::olm

#endif
