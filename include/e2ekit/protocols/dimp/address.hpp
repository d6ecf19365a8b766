// MKM addresses: the part of an ID after '@'. Three forms, told apart by
// length as the reference parser does (dimplugins/mkm/address.py):
//
// | form       | text                          | network byte                        |
// |------------|-------------------------------|-------------------------------------|
// | BTC-style  | base58check, 26..35 chars,    | the first payload byte              |
// |            | payload network ‖ 20 bytes    |                                     |
// | ETH-style  | "0x" + 40 hex digits (EIP-55) | always 0x00 (user)                  |
// | broadcast  | "anywhere" / "everywhere"     | 0x80 (any) / 0x81 (every)           |
//
// BTC-style: digest = RIPEMD160(SHA256(fingerprint)), checksum = first four
// bytes of SHA256(SHA256(network ‖ digest)) (dimplugins/mkm/btc.py), where
// the fingerprint is a type-1 meta's signature or a type-2 meta's key data.
// ETH-style: the last 20 bytes of Keccak-256(X ‖ Y), written with the
// EIP-55 mixed-case checksum; an all-lower or all-upper address carries no
// checksum and is accepted as such (EIP-55, "Specification").
//
// The network byte means an entity type. MKM 2 uses 0x00 user, 0x01 group,
// 0x02 station, 0x03 ISP, 0x04 bot, 0x05 ICP, 0x80/0x81 broadcast (bit 0 =
// group, bit 7 = broadcast: mkm/protocol/entity.py). IDs minted under MKM
// 0.9 carry other bytes, still common on the network ("4..." IDs are 0x08);
// clients map them as `entity_type_of` does.
#ifndef E2EKIT_PROTOCOLS_DIMP_ADDRESS_HPP
#define E2EKIT_PROTOCOLS_DIMP_ADDRESS_HPP

#include <e2ekit/codec/base58.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/keccak.hpp>
#include <e2ekit/crypto/ripemd160.hpp>
#include <e2ekit/crypto/sha2.hpp>
#include <e2ekit/protocols/dimp/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace e2ekit::protocols::dimp {

/// Entity types of MKM 2 (mkm/protocol/entity.py) and the values the MKM
/// 0.9 mapping adds.
namespace entity {
inline constexpr std::uint8_t user = 0x00;
inline constexpr std::uint8_t group = 0x01;    ///< a polylogue (user group)
inline constexpr std::uint8_t station = 0x02;  ///< a server node
inline constexpr std::uint8_t isp = 0x03;      ///< a service provider (group of stations)
inline constexpr std::uint8_t bot = 0x04;      ///< a robot user
inline constexpr std::uint8_t icp = 0x05;      ///< a content provider (group of bots)
inline constexpr std::uint8_t chatroom = 0x31; ///< MKM 0.9 chatroom, a group kind
inline constexpr std::uint8_t any = 0x80;      ///< anyone@anywhere
inline constexpr std::uint8_t every = 0x81;    ///< everyone@everywhere
} // namespace entity

/// MKM 0.9 network bytes (before entity types replaced them).
namespace legacy_network {
inline constexpr std::uint8_t main = 0x08;
inline constexpr std::uint8_t group = 0x10;
inline constexpr std::uint8_t chatroom = 0x30;
inline constexpr std::uint8_t provider = 0x76;
inline constexpr std::uint8_t station = 0x88;
inline constexpr std::uint8_t bot = 0xC8;
} // namespace legacy_network

/// The entity type an address's network byte stands for: MKM 0.9 bytes
/// mapped as deployed clients map them (0x08 user, 0x10 group, 0x30
/// chatroom, 0x76 ISP, 0x88 station, 0xC8 bot), any other byte as itself.
/// Without the mapping 0x88 and 0xC8 would read as broadcast and 0x10 as a
/// user.
constexpr std::uint8_t entity_type_of(std::uint8_t network) noexcept {
    switch (network) {
    case legacy_network::main: return entity::user;
    case legacy_network::group: return entity::group;
    case legacy_network::chatroom: return entity::chatroom;
    case legacy_network::provider: return entity::isp;
    case legacy_network::station: return entity::station;
    case legacy_network::bot: return entity::bot;
    default: return network;
    }
}

constexpr bool is_user_type(std::uint8_t type) noexcept {
    return (type & entity::group) == entity::user;
}
constexpr bool is_group_type(std::uint8_t type) noexcept {
    return (type & entity::group) == entity::group;
}
constexpr bool is_broadcast_type(std::uint8_t type) noexcept {
    return (type & entity::any) == entity::any;
}

enum class address_kind { btc, eth, broadcast };

class address {
public:
    static constexpr std::size_t btc_min_chars = 26;
    static constexpr std::size_t btc_max_chars = 35;
    static constexpr std::size_t eth_chars = 42;
    static constexpr std::size_t digest_size = 20;

    /// Reads an address; `invalid_address` for text of no known form,
    /// `bad_checksum` for a base58check or EIP-55 checksum that fails.
    static result<address> parse(std::string_view text);

    /// BTC-style address of `fingerprint` (a type-1 meta's fingerprint, a
    /// type-2 meta's key data) on `network`.
    static address btc(bytes_view fingerprint, std::uint8_t network);

    /// ETH-style address of an uncompressed secp256k1 point: 65 bytes
    /// 04 ‖ X ‖ Y or the bare 64-byte X ‖ Y; `invalid_key` otherwise.
    static result<address> eth(bytes_view point);

    static address anywhere() { return address("anywhere", entity::any, address_kind::broadcast); }
    static address everywhere() {
        return address("everywhere", entity::every, address_kind::broadcast);
    }

    /// The text, exactly as parsed (an ETH address keeps its case).
    const std::string& str() const noexcept { return text_; }
    std::uint8_t network() const noexcept { return network_; }
    address_kind kind() const noexcept { return kind_; }

    /// The entity type (`entity_type_of(network())`).
    std::uint8_t type() const noexcept { return entity_type_of(network_); }
    bool is_user() const noexcept { return is_user_type(type()); }
    bool is_group() const noexcept { return is_group_type(type()); }
    bool is_broadcast() const noexcept { return is_broadcast_type(type()); }

    /// Addresses are equal when their texts are (the reference compares
    /// strings; an ETH address in another case is another string).
    friend bool operator==(const address& a, const address& b) noexcept {
        return a.text_ == b.text_;
    }

private:
    address(std::string text, std::uint8_t network, address_kind kind)
        : text_(std::move(text)), network_(network), kind_(kind) {}

    std::string text_;
    std::uint8_t network_ = 0;
    address_kind kind_ = address_kind::btc;
};

namespace detail {

/// EIP-55: hex digit i of the address is upper case when nibble i of
/// Keccak-256(lower-case hex text) is 8 or more.
inline std::string eip55(std::string_view lower_hex40) {
    const auto h = crypto::keccak256::digest_of(as_bytes(lower_hex40));
    std::string out(lower_hex40);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const unsigned nibble = (i % 2 == 0) ? (h[i / 2] >> 4) : (h[i / 2] & 0x0f);
        if (out[i] >= 'a' && out[i] <= 'f' && nibble >= 8)
            out[i] = static_cast<char>(out[i] - 'a' + 'A');
    }
    return out;
}

inline bool ascii_iequal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

} // namespace detail

inline address address::btc(bytes_view fingerprint, std::uint8_t network) {
    const auto inner = crypto::sha256::digest_of(fingerprint);
    const auto digest = crypto::ripemd160::digest_of(inner);
    bytes payload{network};
    payload.insert(payload.end(), digest.begin(), digest.end());
    return address(codec::base58check::encode(payload), network, address_kind::btc);
}

inline result<address> address::eth(bytes_view point) {
    if (point.size() == 65 && point[0] == 0x04) point = point.subspan(1);
    if (point.size() != 64) return dimp_error::invalid_key;
    const auto h = crypto::keccak256::digest_of(point);
    static constexpr char hexd[] = "0123456789abcdef";
    std::string lower;
    for (std::size_t i = h.size() - digest_size; i < h.size(); ++i) {
        lower += hexd[h[i] >> 4];
        lower += hexd[h[i] & 15];
    }
    return address("0x" + detail::eip55(lower), entity::user, address_kind::eth);
}

inline result<address> address::parse(std::string_view text) {
    // Broadcast addresses: compared without regard to case, kept in the
    // reference's own spelling.
    if (detail::ascii_iequal(text, "anywhere")) return anywhere();
    if (detail::ascii_iequal(text, "everywhere")) return everywhere();
    if (text.size() >= btc_min_chars && text.size() <= btc_max_chars) {
        auto payload = codec::base58check::decode(text, btc_max_chars);
        if (!payload) {
            return payload.error() == codec::decode_error::bad_checksum
                       ? dimp_error::bad_checksum
                       : dimp_error::invalid_address;
        }
        if (payload->size() != 1 + digest_size) return dimp_error::invalid_address;
        return address(std::string(text), (*payload)[0], address_kind::btc);
    }
    if (text.size() == eth_chars) {
        if (text[0] != '0' || text[1] != 'x') return dimp_error::invalid_address;
        bool lower = false, upper = false;
        std::string folded;
        folded.reserve(40);
        for (char c : text.substr(2)) {
            if (c >= '0' && c <= '9') {
            } else if (c >= 'a' && c <= 'f') {
                lower = true;
            } else if (c >= 'A' && c <= 'F') {
                upper = true;
                c = static_cast<char>(c - 'A' + 'a');
            } else {
                return dimp_error::invalid_address;
            }
            folded += c;
        }
        // Mixed case is a checksum, and must be the right one.
        if (lower && upper && detail::eip55(folded) != text.substr(2))
            return dimp_error::bad_checksum;
        return address(std::string(text), entity::user, address_kind::eth);
    }
    return dimp_error::invalid_address;
}

} // namespace e2ekit::protocols::dimp

#endif
