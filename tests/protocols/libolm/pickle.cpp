#include <e2ekit/protocols/libolm/pickle.hpp>

#include <catch2/catch.hpp>

#include <string>

// Real libolm pickles are read in tests/interop/libolm_pickle (libolm linked);
// here the reader's bounds: plaintexts built field by field, wrapped the way
// the header describes, each cut, stretched or given a wrong count.

using namespace e2ekit;
namespace lo = e2ekit::protocols::libolm;

namespace {

struct writer {
    bytes out;
    writer& u32(std::uint32_t v) {
        for (int s = 24; s >= 0; s -= 8)
            out.push_back(static_cast<byte>(v >> s));
        return *this;
    }
    writer& u8(std::uint8_t v) {
        out.push_back(v);
        return *this;
    }
    writer& raw(std::size_t n, byte fill) {
        out.insert(out.end(), n, fill);
        return *this;
    }
    writer& otk(std::uint32_t id, bool published) {
        return u32(id).u8(published ? 1 : 0).raw(32, 0x11).raw(32, 0x22);
    }
};

std::string wrap(bytes_view pt, bytes_view key) {
    const auto okm = crypto::hkdf_sha256::derive<80>(key, bytes_view{}, as_bytes("Pickle"));
    const auto ct = crypto::aes_256_cbc::encrypt(fixed_view<32>(okm.data(), 32),
                                                 fixed_view<16>(okm.data() + 64, 16), pt);
    const auto tag = crypto::hmac_sha256::tag_of(bytes_view(okm.data() + 32, 32), ct);
    return codec::base64::encode<codec::base64::standard_unpadded>(
        concat(ct, bytes_view(tag).first(8)));
}

bytes account_v4(std::uint32_t otks, std::uint8_t fallbacks) {
    writer w;
    w.u32(4).raw(32, 1).raw(64, 2).raw(32, 3).raw(32, 4).u32(otks);
    for (std::uint32_t i = 0; i < otks; ++i)
        w.otk(i + 1, i % 2 == 0);
    w.u8(fallbacks);
    for (std::uint8_t i = 0; i < fallbacks; ++i)
        w.otk(100 + i, false);
    w.u32(101);
    return w.out;
}

bytes session_v1(std::uint32_t senders, std::uint32_t receivers, std::uint32_t skipped) {
    writer w;
    w.u32(1).u8(1).raw(32, 1).raw(32, 2).raw(32, 3).raw(32, 4).u32(senders);
    for (std::uint32_t i = 0; i < senders; ++i)
        w.raw(32, 5).raw(32, 6).raw(32, 7).u32(9);
    w.u32(receivers);
    for (std::uint32_t i = 0; i < receivers; ++i)
        w.raw(32, 8).raw(32, 9).u32(i);
    w.u32(skipped);
    for (std::uint32_t i = 0; i < skipped; ++i)
        w.raw(32, 8).raw(32, 10).u32(i);
    return w.out;
}

} // namespace

TEST_CASE("libolm pickle: accounts of each version, and broken ones", "[protocols][libolm]") {
    const bytes key = to_bytes(as_bytes("secret"));
    auto a = lo::parse_account(wrap(account_v4(3, 2), key), key);
    REQUIRE(a);
    CHECK(a->one_time_keys.size() == 3);
    CHECK(a->one_time_keys[0].published);
    CHECK_FALSE(a->one_time_keys[1].published);
    CHECK(a->fallback->id == 100);
    CHECK(a->previous_fallback->id == 101);
    CHECK(a->next_key_id == 101);
    CHECK(a->signing.private_key.view()[0] == 2);
    CHECK(lo::parse_account(wrap(account_v4(0, 0), key), key)->fallback == std::nullopt);

    // Version 3: both fallback slots always there, "published" says which are set.
    writer v3;
    v3.u32(3).raw(32, 1).raw(64, 2).raw(32, 3).raw(32, 4).u32(0).otk(7, true).otk(8, false).u32(8);
    auto b = lo::parse_account(wrap(v3.out, key), key);
    REQUIRE(b);
    CHECK(b->fallback->id == 7);
    CHECK_FALSE(b->previous_fallback);
    // Version 2: no fallback keys at all.
    writer v2;
    v2.u32(2).raw(32, 1).raw(64, 2).raw(32, 3).raw(32, 4).u32(1).otk(1, false).u32(1);
    CHECK(lo::parse_account(wrap(v2.out, key), key)->one_time_keys.size() == 1);

    auto version = [&](std::uint32_t v) {
        auto pt = account_v4(0, 0);
        pt[3] = static_cast<byte>(v);
        return lo::parse_account(wrap(pt, key), key).error();
    };
    CHECK(version(1) == lo::pickle_error::legacy_account);
    CHECK(version(5) == lo::pickle_error::unknown_version);
    CHECK(version(0) == lo::pickle_error::unknown_version);

    const auto good = account_v4(2, 1);
    for (std::size_t cut = 1; cut < good.size(); cut += 7)
        CHECK(
            lo::parse_account(wrap(bytes_view(good).first(good.size() - cut), key), key).error() ==
            lo::pickle_error::malformed);
    CHECK(lo::parse_account(wrap(concat(good, bytes{0}), key), key).error() ==
          lo::pickle_error::malformed);
    CHECK(lo::parse_account(wrap(account_v4(0, 3), key), key).error() ==
          lo::pickle_error::malformed);
    // A count far beyond the bytes left is refused before anything is allocated.
    auto huge = account_v4(0, 0);
    huge[4 + 32 + 64 + 32 + 32] = 0xff;
    CHECK(lo::parse_account(wrap(huge, key), key).error() == lo::pickle_error::malformed);
}

TEST_CASE("libolm pickle: sessions and group sessions, and broken ones", "[protocols][libolm]") {
    const bytes key;
    auto s = lo::parse_session(wrap(session_v1(1, 2, 3), key), key);
    REQUIRE(s);
    CHECK(s->received_message);
    CHECK(s->sender->chain.index == 9);
    CHECK(s->receivers.size() == 2);
    CHECK(s->skipped.size() == 3);
    CHECK(s->skipped[2].index == 2);
    CHECK(lo::parse_session(wrap(session_v1(0, 1, 0), key), key));
    // Neither chain, or two sender chains: not a session libolm writes.
    CHECK(lo::parse_session(wrap(session_v1(0, 0, 0), key), key).error() ==
          lo::pickle_error::malformed);
    CHECK(lo::parse_session(wrap(session_v1(2, 0, 0), key), key).error() ==
          lo::pickle_error::malformed);
    const auto good = session_v1(1, 1, 1);
    for (std::size_t cut = 1; cut < good.size(); cut += 5)
        CHECK(
            lo::parse_session(wrap(bytes_view(good).first(good.size() - cut), key), key).error() ==
            lo::pickle_error::malformed);

    writer in2;
    in2.u32(2).raw(128, 1).u32(3).raw(128, 2).u32(9).raw(32, 3).u8(0);
    auto g = lo::parse_inbound_group_session(wrap(in2.out, key), key);
    REQUIRE(g);
    CHECK(g->initial.counter == 3);
    CHECK(g->latest.counter == 9);
    CHECK_FALSE(g->signing_key_verified);
    writer in1;
    in1.u32(1).raw(128, 1).u32(3).raw(128, 2).u32(3).raw(32, 3);
    CHECK(lo::parse_inbound_group_session(wrap(in1.out, key), key)->signing_key_verified);
    // The latest ratchet behind the first: not a state libolm can reach.
    writer behind;
    behind.u32(2).raw(128, 1).u32(9).raw(128, 2).u32(3).raw(32, 3).u8(1);
    CHECK(lo::parse_inbound_group_session(wrap(behind.out, key), key).error() ==
          lo::pickle_error::malformed);

    writer out1;
    out1.u32(1).raw(128, 1).u32(42).raw(32, 2).raw(64, 3);
    auto o = lo::parse_outbound_group_session(wrap(out1.out, key), key);
    REQUIRE(o);
    CHECK(o->ratchet.counter == 42);
    CHECK(lo::parse_outbound_group_session(wrap(in2.out, key), key).error() ==
          lo::pickle_error::unknown_version);
}

TEST_CASE("libolm pickle: the envelope", "[protocols][libolm]") {
    const bytes key = to_bytes(as_bytes("k"));
    const std::string p = wrap(session_v1(1, 0, 0), key);
    CHECK(lo::decrypt(p, key));
    CHECK(lo::decrypt(p, as_bytes("K")).error() == lo::pickle_error::authentication_failed);
    CHECK(lo::decrypt(p + "=", key).error() == lo::pickle_error::malformed);
    CHECK(lo::decrypt("", key).error() == lo::pickle_error::authentication_failed);
    CHECK(lo::decrypt("@@@@", key).error() == lo::pickle_error::malformed);
    CHECK(lo::decrypt(std::string(lo::max_pickle_chars + 1, 'A'), key).error() ==
          lo::pickle_error::too_large);
    // A genuine MAC over a ciphertext that is not whole blocks.
    const auto okm = crypto::hkdf_sha256::derive<80>(key, bytes_view{}, as_bytes("Pickle"));
    const bytes ct(20, 7);
    const auto tag = crypto::hmac_sha256::tag_of(bytes_view(okm.data() + 32, 32), ct);
    CHECK(lo::decrypt(codec::base64::encode<codec::base64::standard_unpadded>(
                          concat(ct, bytes_view(tag).first(8))),
                      key)
              .error() == lo::pickle_error::authentication_failed);
}
