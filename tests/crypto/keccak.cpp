#include <e2ekit/crypto/keccak.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

#include <string>

using namespace e2ekit;
using namespace e2ekit::crypto;
using e2ekit::test::tohex;
using e2ekit::test::unhex;

TEST_CASE("keccak256: published Ethereum answers", "[crypto][keccak]") {
    // keccak256("") is Ethereum's empty-code hash (the Yellow Paper's KEC(()),
    // e.g. the codeHash of every externally owned account).
    CHECK(tohex(keccak256::digest_of(bytes_view{})) ==
          "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    // ... and not SHA3-256(""), a7ffc6f8...: the padding differs.
    CHECK(tohex(keccak256::digest_of(bytes_view{})).rfind("a7ffc6f8", 0) != 0);

    // Solidity ABI function selectors: the first four bytes of
    // keccak256(signature), as listed in the ERC-20 standard (EIP-20).
    const std::pair<const char*, const char*> selectors[] = {
        {"transfer(address,uint256)", "a9059cbb"},
        {"balanceOf(address)", "70a08231"},
        {"approve(address,uint256)", "095ea7b3"},
        {"transferFrom(address,address,uint256)", "23b872dd"},
        {"totalSupply()", "18160ddd"},
    };
    for (const auto& [sig, sel] : selectors)
        CHECK(tohex(keccak256::digest_of(as_bytes(sig))).substr(0, 8) == sel);

    // The address of private key 1 (the public key is the generator G):
    // the last 20 bytes of keccak256(X || Y), 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf.
    const auto g = unhex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
                         "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
    CHECK(tohex(keccak256::digest_of(g)).substr(24) == "7e5f4552091a69125d5dfcb7b8c2659029395bdf");
}

TEST_CASE("keccak256: absorbing in pieces equals one shot, across block ends", "[crypto][keccak]") {
    bytes msg(3 * keccak256::block_size + 7);
    for (std::size_t i = 0; i < msg.size(); ++i)
        msg[i] = static_cast<byte>(i * 7 + 1);
    for (std::size_t len : {std::size_t{135}, std::size_t{136}, std::size_t{137}, msg.size()}) {
        const bytes_view m = bytes_view(msg).first(len);
        const auto whole = keccak256::digest_of(m);
        for (std::size_t step : {1, 5, 64, 136, 200}) {
            keccak256::state s;
            for (std::size_t off = 0; off < len; off += step)
                s.update(m.subspan(off, std::min(step, len - off)));
            keccak256::digest d;
            s.final(d);
            CHECK(d == whole);
        }
        CHECK(keccak256::digest_of(m.first(len / 2), m.subspan(len / 2)) == whole);
    }
    // Distinct lengths give distinct digests (the padding marks the end).
    CHECK(keccak256::digest_of(bytes_view(msg).first(135)) !=
          keccak256::digest_of(bytes_view(msg).first(136)));
}
