#include <e2ekit/protocols/dimp/address.hpp>

#include <catch2/catch.hpp>

#include <tests/support/dimp_vectors.hpp>

#include <string>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;
using dimp::dimp_error;
using e2ekit::test::unhex;

TEST_CASE("dimp address: every address of accounts.json, parsed and generated",
          "[protocols][dimp][address][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto acc = test::dimp::load("accounts.json");
    int parsed = 0, generated = 0;
    for (const auto& m : acc.at("metas")) {
        const std::string type = m.at("meta_type");
        const auto key_data = unhex(m.at("public_key_data_hex"));
        for (const auto& e : m.at("ids")) {
            const std::string text = e.at("address");
            const int network = e.at("network");
            INFO(m.at("label").get<std::string>() << " " << text);
            auto a = dimp::address::parse(text);
            REQUIRE(a);
            CHECK(a->str() == text);
            ++parsed;
            if (type == "4") {
                CHECK(a->kind() == dimp::address_kind::eth);
                CHECK(a->network() == 0);
                auto g = dimp::address::eth(key_data);
                REQUIRE(g);
                CHECK(g->str() == text);
                ++generated;
            } else {
                CHECK(a->kind() == dimp::address_kind::btc);
                CHECK(a->network() == network);
                // Type 1 hashes the fingerprint, type 2 the key data.
                const auto input = type == "1" ? unhex(m.at("fingerprint_hex")) : key_data;
                CHECK(dimp::address::btc(input, static_cast<std::uint8_t>(network)).str() == text);
                ++generated;
            }
            if (e.contains("compat_entity_type")) {
                CHECK(a->type() == e.at("compat_entity_type").get<int>());
            } else {
                CHECK(a->type() == network);
                CHECK(a->is_user() == e.at("is_user").get<bool>());
                CHECK(a->is_group() == e.at("is_group").get<bool>());
            }
            CHECK_FALSE(a->is_broadcast());
        }
        if (m.contains("well_known_expected_address")) {
            auto a = dimp::address::parse(m.at("well_known_expected_address").get<std::string>());
            CHECK(a);
        }
    }
    CHECK(parsed == 21);
    CHECK(generated == 21);
}

TEST_CASE("dimp address: MKM 0.9 network bytes map to entity types", "[protocols][dimp][address]") {
    // The mapping deployed clients apply (vectors README, bob_legacy_mkm09_networks).
    CHECK(dimp::entity_type_of(0x08) == dimp::entity::user);
    CHECK(dimp::entity_type_of(0x10) == dimp::entity::group);
    CHECK(dimp::entity_type_of(0x30) == 0x31);
    CHECK(dimp::entity_type_of(0x88) == dimp::entity::station);
    CHECK(dimp::entity_type_of(0x76) == dimp::entity::isp);
    CHECK(dimp::entity_type_of(0xC8) == dimp::entity::bot);
    for (int n : {0, 1, 2, 3, 4, 5, 0x80, 0x81})
        CHECK(dimp::entity_type_of(static_cast<std::uint8_t>(n)) == n);
    CHECK(dimp::is_group_type(dimp::entity_type_of(0x30)));
    CHECK_FALSE(dimp::is_broadcast_type(dimp::entity_type_of(0x88)));
    CHECK_FALSE(dimp::is_broadcast_type(dimp::entity_type_of(0xC8)));
    CHECK(dimp::is_broadcast_type(0x80));
    CHECK(dimp::is_user_type(0x80));
    CHECK(dimp::is_group_type(0x81));
}

TEST_CASE("dimp address: broadcast addresses", "[protocols][dimp][address]") {
    auto any = dimp::address::parse("anywhere");
    REQUIRE(any);
    CHECK(any->kind() == dimp::address_kind::broadcast);
    CHECK(any->network() == 0x80);
    CHECK(any->is_broadcast());
    CHECK(any->is_user());
    auto every = dimp::address::parse("EveryWhere");
    REQUIRE(every);
    CHECK(every->str() == "everywhere");
    CHECK(every->network() == 0x81);
    CHECK(every->is_group());
}

TEST_CASE("dimp address: garbage is refused with typed errors", "[protocols][dimp][address]") {
    const std::string good = "17K4BBPXutyU3XGHJUzsWsESkzA6uZoiWZ";
    REQUIRE(dimp::address::parse(good));
    // Every single-character change breaks the checksum or the alphabet.
    for (std::size_t i = 0; i < good.size(); ++i) {
        std::string t = good;
        t[i] = t[i] == 'z' ? 'y' : 'z';
        auto a = dimp::address::parse(t);
        REQUIRE_FALSE(a);
        CHECK((a.error() == dimp_error::bad_checksum || a.error() == dimp_error::invalid_address));
    }
    CHECK(dimp::address::parse("17K4BBPXutyU3XGHJUzsWsESkzA6uZoiW0").error() ==
          dimp_error::invalid_address); // '0' is not base58
    CHECK(dimp::address::parse("").error() == dimp_error::invalid_address);
    CHECK(dimp::address::parse("somewhere").error() == dimp_error::invalid_address);
    CHECK(dimp::address::parse(std::string(36, '1')).error() == dimp_error::invalid_address);
    // 26..35 characters of base58 whose payload is not 21 bytes.
    CHECK(dimp::address::parse(std::string(30, '1')).error() == dimp_error::bad_checksum);
    // ETH: mixed case is a checksum; one flipped letter breaks it.
    const std::string eth = "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf";
    REQUIRE(dimp::address::parse(eth));
    CHECK(dimp::address::parse("0x7e5F4552091A69125d5DfCb7b8C2659029395Bdf").error() ==
          dimp_error::bad_checksum);
    // Single-case forms carry no checksum (EIP-55), and stay as written.
    auto lower = dimp::address::parse("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
    REQUIRE(lower);
    CHECK_FALSE(*lower == *dimp::address::parse(eth));
    CHECK(dimp::address::parse("0x7E5F4552091A69125D5DFCB7B8C2659029395BDF"));
    CHECK(dimp::address::parse("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdg").error() ==
          dimp_error::invalid_address);
    CHECK(dimp::address::parse("1x7E5F4552091A69125d5DfCb7b8C2659029395Bdf").error() ==
          dimp_error::invalid_address);
    CHECK(dimp::address::eth(bytes(63)).error() == dimp_error::invalid_key);
    CHECK(dimp::address::eth(bytes(65)).error() == dimp_error::invalid_key); // no 0x04 prefix
}
