#include <e2ekit/protocols/olm/messages.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/protocols/olm/envelope.hpp>
#include <tests/support/laws/envelope.hpp>

using namespace e2ekit;
using namespace e2ekit::protocols::olm;

namespace {
public_key key_of(byte b) {
    public_key k;
    k.fill(b);
    return k;
}
const byte_array<32> mac_key = [] {
    byte_array<32> k;
    k.fill(0x42);
    return k;
}();
// Appends by push_back: GCC 12 warns falsely (-Warray-bounds) on
// vector::insert after a vector made from a braced list.
void append(bytes& to, bytes_view more) {
    for (byte b : more)
        to.push_back(b);
}
void append(bytes& to, std::size_t n, byte b) {
    for (std::size_t i = 0; i < n; ++i)
        to.push_back(b);
}
} // namespace

TEST_CASE("olm messages: a normal message has libolm's layout and parses back",
          "[protocols][olm]") {
    const bytes ct(32, byte{0xCC});
    const bytes m = encode_normal_message(key_of(0x11), 300, ct, mac_key);
    // version, 0x0A 0x20 key, 0x10 varint(300) = AC 02, 0x22 0x20 ct, MAC 8
    REQUIRE(m.size() == 1 + 2 + 32 + 1 + 2 + 2 + 32 + 8);
    CHECK(m[0] == 0x03);
    CHECK(m[1] == 0x0A);
    CHECK(m[2] == 0x20);
    CHECK(m[35] == 0x10);
    CHECK(m[36] == 0xAC);
    CHECK(m[37] == 0x02);
    CHECK(m[38] == 0x22);
    CHECK(m[39] == 0x20);
    auto p = parse_normal_message(m);
    REQUIRE(p);
    CHECK(p->ratchet_key == key_of(0x11));
    CHECK(p->counter == 300);
    CHECK(to_bytes(p->ciphertext) == ct);
    CHECK(verify_mac(*p, mac_key));
    auto other = mac_key;
    other[0] ^= 1;
    CHECK(verify_mac(*p, other).error() == envelope::envelope_error::authentication_failed);
}

TEST_CASE("olm messages: a pre-key message has libolm's layout and round-trips",
          "[protocols][olm]") {
    const bytes inner = encode_normal_message(key_of(1), 0, bytes(16, byte{7}), mac_key);
    const prekey_message_parts parts{key_of(2), key_of(3), key_of(4), inner};
    const bytes w = encode_prekey_message(parts);
    CHECK(w[0] == 0x03);
    CHECK(w[1] == 0x0A);
    CHECK(w[35] == 0x12);
    CHECK(w[69] == 0x1A);
    CHECK(w[103] == 0x22);
    auto p = parse_prekey_message_parts(w);
    REQUIRE(p);
    CHECK(*p == parts);
    testing::deterministic_random rng(3);
    test::laws::check_envelope<envelope_v1>({parts}, rng);
}

TEST_CASE("olm messages: unknown tags are skipped, fields in any order", "[protocols][olm]") {
    // 0x03, unknown varint field 5 (0x28 0x01), counter, unknown bytes field 6
    // (0x32 0x02 AA BB), ciphertext, ratchet key, MAC.
    bytes m{0x03, 0x28, 0x01, 0x10, 0x05, 0x32, 0x02, 0xAA, 0xBB, 0x22, 0x01, 0xEE, 0x0A, 0x20};
    const auto k = key_of(9);
    append(m, k);
    append(m, 8, byte{0});
    auto p = parse_normal_message(m);
    REQUIRE(p);
    CHECK(p->counter == 5);
    CHECK(p->ratchet_key == k);
    CHECK(p->ciphertext.size() == 1);
}

TEST_CASE("olm messages: bad input is a typed error", "[protocols][olm]") {
    const bytes good = encode_normal_message(key_of(1), 7, bytes(16, byte{7}), mac_key);
    SECTION("empty and short") {
        CHECK(parse_normal_message({}).error() == envelope::envelope_error::truncated);
        CHECK(parse_normal_message(bytes_view(good).first(8)).error() ==
              envelope::envelope_error::truncated);
        CHECK(parse_prekey_message({}).error() == envelope::envelope_error::truncated);
    }
    SECTION("wrong version") {
        bytes m = good;
        m[0] = 0x02;
        CHECK(parse_normal_message(m).error() == envelope::envelope_error::legacy_version);
        m[0] = 0x04;
        CHECK(parse_normal_message(m).error() == envelope::envelope_error::unknown_version);
        bytes pk = encode_prekey_message(key_of(1), key_of(2), key_of(3), good);
        pk[0] = 0x04;
        CHECK(parse_prekey_message(pk).error() == envelope::envelope_error::unknown_version);
    }
    SECTION("truncated varint") {
        bytes m{0x03, 0x10, 0x80};
        append(m, 8, byte{0});
        CHECK(parse_normal_message(m).error() == envelope::envelope_error::truncated);
    }
    SECTION("overlong varints") {
        // A counter of 6 bytes, a counter past 2^32 - 1, a length of 6 bytes.
        for (bytes field : {bytes{0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00},
                            bytes{0x10, 0x80, 0x80, 0x80, 0x80, 0x10},
                            bytes{0x22, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00}}) {
            bytes m{0x03};
            append(m, field);
            append(m, 8, byte{0});
            CHECK(parse_normal_message(m).error() == protocols::olm::olm_error::overlong_varint);
        }
        // An 11-byte varint in an unknown field.
        bytes m{0x03, 0x28};
        append(m, 10, byte{0x80});
        m.push_back(0x00);
        append(m, 8, byte{0});
        CHECK(parse_normal_message(m).error() == protocols::olm::olm_error::overlong_varint);
    }
    SECTION("length past the end") {
        bytes m{0x03, 0x22, 0x30, 0x00};
        append(m, 8, byte{0});
        CHECK(parse_normal_message(m).error() == envelope::envelope_error::truncated);
    }
    SECTION("missing fields, wrong key sizes, other wire types") {
        bytes no_counter{0x03, 0x22, 0x01, 0x00};
        append(no_counter, 8, byte{0});
        CHECK(parse_normal_message(no_counter).error() == envelope::envelope_error::malformed);
        bytes short_key{0x03, 0x0A, 0x01, 0x00, 0x10, 0x00, 0x22, 0x01, 0x00};
        append(short_key, 8, byte{0});
        CHECK(parse_normal_message(short_key).error() == envelope::envelope_error::invalid_key);
        bytes fixed64{0x03, 0x09};
        append(fixed64, 16, byte{0});
        CHECK(parse_normal_message(fixed64).error() == envelope::envelope_error::malformed);
        bytes pk = encode_prekey_message(key_of(1), key_of(2), key_of(3), good);
        pk.resize(103); // no message field
        CHECK(parse_prekey_message(pk).error() == envelope::envelope_error::malformed);
    }
}
