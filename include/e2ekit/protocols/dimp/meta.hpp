// MKM metas: the public key an ID is bound to (dimplugins/mkm/meta.py,
// core-py dimp/mkm/meta.py). An ID is trusted for a key when the key's meta
// is valid and generates the ID's address.
//
// | type     | fields                          | address generated from              | valid when                |
// |----------|---------------------------------|-------------------------------------|---------------------------|
// | 1 (MKM)  | key, seed, fingerprint (base64) | fingerprint, BTC-style, any network | fingerprint signs the     |
// |          |                                 |                                     | UTF-8 seed under the key  |
// | 2 (BTC)  | key                             | key.data, BTC-style, any network    | no seed, no fingerprint   |
// | 4 (ETH)  | key (ECC)                       | key.data, ETH-style, network 0 only | no seed, no fingerprint   |
//
// `type` arrives as "1"/"2"/"4" or as an integer; the names "MKM", "BTC",
// "ETH" of older clients are read too. Types 3 and 5 are reserved and
// refused (`unsupported_meta`), as the reference has no factory for them.
//
// A type-1 ID's name is its meta's seed: `match` checks it as well as the
// address (the reference checks the address only; the fingerprint binds
// the seed to the key, so a name that is not the seed is a forgery).
#ifndef E2EKIT_PROTOCOLS_DIMP_META_HPP
#define E2EKIT_PROTOCOLS_DIMP_META_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/protocols/dimp/address.hpp>
#include <e2ekit/protocols/dimp/detail/fields.hpp>
#include <e2ekit/protocols/dimp/error.hpp>
#include <e2ekit/protocols/dimp/id.hpp>
#include <e2ekit/protocols/dimp/keys.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace e2ekit::protocols::dimp {

enum class meta_type : std::uint8_t { mkm = 1, btc = 2, eth = 4 };

/// A meta's `type` value (decimal text) as a meta_type.
inline result<meta_type> parse_meta_type(std::string_view t) {
    if (t == "1" || t == "MKM" || t == "mkm") return meta_type::mkm;
    if (t == "2" || t == "BTC" || t == "btc") return meta_type::btc;
    if (t == "4" || t == "ETH" || t == "eth") return meta_type::eth;
    return dimp_error::unsupported_meta;
}

class meta {
public:
    /// Reads and validates a meta map: structure, key, and (type 1) the
    /// fingerprint's signature over the seed. Errors: codec errors for
    /// missing or mistyped fields, `unsupported_meta`, `invalid_meta`, the
    /// key's errors, `authentication_failed` for a fingerprint that does
    /// not verify.
    static result<meta> parse(const nlohmann::json& j);

    /// A new meta for `key`: type 1 signs `seed` (which must be non-empty);
    /// types 2 and 4 take no seed (type 4 needs an ECC key).
    static result<meta> generate(meta_type type, const private_key& key,
                                 std::string_view seed = {});

    meta_type type() const noexcept { return type_; }
    const public_key& key() const noexcept { return key_; }
    /// Type 1 only.
    const std::optional<std::string>& seed() const noexcept { return seed_; }
    bytes_view fingerprint() const noexcept { return fingerprint_; }

    /// The address this meta gives on `network`; type 4 only on network 0
    /// (`id_mismatch` otherwise).
    result<dimp::address> generate_address(std::uint8_t network) const;

    /// The ID this meta gives on `network` (named by the seed for type 1).
    result<id> generate_id(std::uint8_t network, std::string_view terminal = {}) const;

    /// `id_mismatch` unless this meta generates `identifier` (its address
    /// on its own network byte, and for type 1 its name).
    result<void> match(const id& identifier) const;

    /// The map as received (or as generated), for re-sending unchanged.
    const nlohmann::json& to_json() const noexcept { return json_; }

    meta clone() const { return meta(type_, key_.clone(), seed_, fingerprint_, json_); }

private:
    meta(meta_type t, public_key k, std::optional<std::string> seed, bytes fp, nlohmann::json j)
        : type_(t), key_(std::move(k)), seed_(std::move(seed)), fingerprint_(std::move(fp)),
          json_(std::move(j)) {}

    meta_type type_;
    public_key key_;
    std::optional<std::string> seed_;
    bytes fingerprint_;
    nlohmann::json json_;
};

inline result<meta> meta::parse(const nlohmann::json& j) {
    if (!j.is_object()) return codec::decode_error::unexpected_type;
    E2EKIT_TRY(type_text, detail::type_field(j, "type"));
    E2EKIT_TRY(type, parse_meta_type(type_text));
    E2EKIT_TRY(key_json, codec::json::get_object(j, "key"));
    E2EKIT_TRY(key, public_key::from_json(*key_json));
    E2EKIT_TRY(seed_field, detail::member(j, "seed"));
    E2EKIT_TRY(fp_field, detail::member(j, "fingerprint"));
    if (type != meta_type::mkm) {
        // dimp/mkm/meta.py `_check_valid`: a meta without a seed must carry
        // neither field.
        if (seed_field || fp_field) return dimp_error::invalid_meta;
        if (type == meta_type::eth && key.algorithm() != key_algorithm::ecc)
            return dimp_error::invalid_meta;
        return meta(type, std::move(key), std::nullopt, {}, j);
    }
    if (!seed_field || !fp_field) return dimp_error::invalid_meta;
    if (!seed_field->is_string() || !fp_field->is_string())
        return codec::decode_error::unexpected_type;
    const auto& seed = seed_field->get_ref<const std::string&>();
    const auto& fp_text = fp_field->get_ref<const std::string&>();
    if (seed.empty() || fp_text.empty()) return dimp_error::invalid_meta;
    auto fp = codec::base64::decode<codec::base64::standard_optional_padding>(fp_text);
    if (!fp || fp->empty()) return dimp_error::invalid_meta;
    E2EKIT_CHECK(key.verify(as_bytes(seed), *fp));
    return meta(type, std::move(key), seed, std::move(*fp), j);
}

inline result<meta> meta::generate(meta_type type, const private_key& key, std::string_view seed) {
    dimp::public_key pub = key.public_key();
    nlohmann::json j = {{"type", std::to_string(static_cast<int>(type))}, {"key", pub.to_json()}};
    if (type != meta_type::mkm) {
        if (!seed.empty()) return dimp_error::invalid_meta;
        if (type == meta_type::eth && pub.algorithm() != key_algorithm::ecc)
            return dimp_error::invalid_meta;
        return meta(type, std::move(pub), std::nullopt, {}, std::move(j));
    }
    if (seed.empty()) return dimp_error::invalid_meta;
    E2EKIT_TRY(fp, key.sign(as_bytes(seed)));
    j["seed"] = std::string(seed);
    j["fingerprint"] = codec::base64::encode(fp);
    return meta(type, std::move(pub), std::string(seed), std::move(fp), std::move(j));
}

inline result<dimp::address> meta::generate_address(std::uint8_t network) const {
    switch (type_) {
    case meta_type::mkm: return dimp::address::btc(fingerprint_, network);
    case meta_type::btc: return dimp::address::btc(key_.data(), network);
    case meta_type::eth:
        if (network != entity::user) return dimp_error::id_mismatch;
        return dimp::address::eth(key_.data());
    }
    return dimp_error::unsupported_meta;
}

inline result<id> meta::generate_id(std::uint8_t network, std::string_view terminal) const {
    E2EKIT_TRY(addr, generate_address(network));
    return id::make(seed_ ? std::string_view(*seed_) : std::string_view{}, std::move(addr),
                    terminal);
}

inline result<void> meta::match(const id& identifier) const {
    const dimp::address& want = identifier.address();
    if (want.kind() == address_kind::broadcast) return dimp_error::id_mismatch;
    if ((type_ == meta_type::eth) != (want.kind() == address_kind::eth))
        return dimp_error::id_mismatch;
    auto got = generate_address(want.network());
    if (!got || !(*got == want)) return dimp_error::id_mismatch;
    if (type_ == meta_type::mkm && identifier.name() != seed_) return dimp_error::id_mismatch;
    return ok();
}

} // namespace e2ekit::protocols::dimp

#endif
