#include <e2ekit/protocols/dimp/meta.hpp>

#include <catch2/catch.hpp>

#include <tests/support/dimp_vectors.hpp>

#include <string>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;
using dimp::dimp_error;
using e2ekit::test::unhex;
namespace tv = e2ekit::test::dimp;

TEST_CASE("dimp meta: every meta of accounts.json validates and generates its IDs",
          "[protocols][dimp][meta][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto acc = tv::load("accounts.json");
    int ids = 0;
    for (const auto& m : acc.at("metas")) {
        INFO(m.at("label").get<std::string>());
        auto meta = dimp::meta::parse(m.at("meta"));
        REQUIRE(meta);
        CHECK(m.at("is_valid_python").get<bool>());
        CHECK(static_cast<int>(meta->type()) == std::stoi(m.at("meta_type").get<std::string>()));
        if (m.contains("fingerprint_hex"))
            CHECK(test::tohex(meta->fingerprint()) == m.at("fingerprint_hex").get<std::string>());
        for (const auto& e : m.at("ids")) {
            const int network = e.at("network");
            auto gen = meta->generate_id(static_cast<std::uint8_t>(network));
            REQUIRE(gen);
            CHECK(gen->str() == e.at("id").get<std::string>());
            auto parsed = dimp::id::parse(e.at("id").get<std::string>());
            REQUIRE(parsed);
            CHECK(meta->match(*parsed));
            ++ids;
        }
        if (m.contains("well_known_expected_address")) {
            auto gen = meta->generate_address(0);
            REQUIRE(gen);
            CHECK(gen->str() == m.at("well_known_expected_address").get<std::string>());
        }
    }
    CHECK(ids == 21);
}

TEST_CASE("dimp meta: fingerprints made again equal the reference's",
          "[protocols][dimp][meta][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto acc = tv::load("accounts.json");
    int rsa = 0, ecdsa = 0;
    for (const auto& m : acc.at("metas")) {
        if (m.at("meta_type") != "1") continue;
        INFO(m.at("label").get<std::string>());
        auto priv = dimp::private_key::from_json(m.at("private_key"));
        REQUIRE(priv);
        const std::string seed = m.at("meta").at("seed");
        auto made = dimp::meta::generate(dimp::meta_type::mkm, *priv, seed);
        REQUIRE(made);
        const auto theirs = unhex(m.at("fingerprint_hex"));
        if (priv->algorithm() == dimp::key_algorithm::rsa) {
            // PKCS#1 v1.5 is deterministic: the whole meta is reproduced.
            CHECK(test::tohex(made->fingerprint()) == test::tohex(theirs));
            CHECK(made->to_json().at("fingerprint") == m.at("meta").at("fingerprint"));
            ++rsa;
        } else {
            // Both sides use RFC 6979 nonces, so r is the same; e2ekit
            // writes low-S, the reference writes s as it comes.
            const auto a = tv::parse_der_signature(to_bytes(made->fingerprint()));
            const auto b = tv::parse_der_signature(theirs);
            CHECK(a.r == b.r);
            if (m.at("fingerprint_ecdsa_low_s").get<bool>())
                CHECK(test::tohex(made->fingerprint()) == test::tohex(theirs));
            else
                CHECK(a.s != b.s);
            ++ecdsa;
        }
        // The same fingerprint gives the same IDs.
        if (test::tohex(made->fingerprint()) == test::tohex(theirs))
            for (const auto& e : m.at("ids"))
                CHECK(made->generate_id(e.at("network").get<std::uint8_t>())->str() ==
                      e.at("id").get<std::string>());
    }
    CHECK(rsa == 2);
    CHECK(ecdsa == 2);
}

TEST_CASE("dimp meta: the account checks of checks.json", "[protocols][dimp][meta][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto acc = tv::load("accounts.json");
    int n = 0;
    for (const auto& name : tv::check_names()) {
        INFO(name);
        // "address <label> net <n> independent": the address from the
        // fingerprint or key data, hashed here apart from the library.
        if (tv::starts_with(name, "address ")) {
            const auto rest = name.substr(8);
            const auto net_at = rest.find(" net ");
            const auto& m = tv::by(acc.at("metas"), "label", rest.substr(0, net_at));
            const int network = std::stoi(rest.substr(net_at + 5));
            const auto& e = tv::by(m.at("ids"), "id", [&]() -> std::string {
                for (const auto& i : m.at("ids"))
                    if (i.at("network") == network) return i.at("id");
                return "";
            }());
            auto meta = dimp::meta::parse(m.at("meta"));
            REQUIRE(meta);
            CHECK(meta->generate_id(static_cast<std::uint8_t>(network))->str() ==
                  e.at("id").get<std::string>());
            ++n;
        } else if (tv::starts_with(name, "fingerprint ")) {
            // "fingerprint <label> RSA|ECDSA verify", "... RSA deterministic"
            const auto rest = name.substr(12);
            const auto& m = tv::by(acc.at("metas"), "label", rest.substr(0, rest.find(' ')));
            auto meta = dimp::meta::parse(m.at("meta"));
            REQUIRE(meta); // parse verifies the fingerprint
            if (tv::ends_with(name, "deterministic")) {
                auto priv = dimp::private_key::from_json(m.at("private_key"));
                auto sig = priv->sign(as_bytes(m.at("meta").at("seed").get<std::string>()));
                CHECK(test::tohex(*sig) == m.at("fingerprint_hex").get<std::string>());
            }
            ++n;
        } else if (tv::starts_with(name, "well-known address ")) {
            const auto& m = tv::by(acc.at("metas"), "label", name.substr(19));
            auto meta = dimp::meta::parse(m.at("meta"));
            REQUIRE(meta);
            CHECK(meta->generate_address(0)->str() ==
                  m.at("well_known_expected_address").get<std::string>());
            ++n;
        }
    }
    CHECK(n == 21 + 6 + 5);
}

TEST_CASE("dimp meta: IDs that do not match, and metas that do not validate",
          "[protocols][dimp][meta][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto acc = tv::load("accounts.json");
    const auto& alice = tv::by(acc.at("metas"), "label", "alice");
    const auto& bob = tv::by(acc.at("metas"), "label", "bob");
    const auto& carol = tv::by(acc.at("metas"), "label", "carol");
    auto a = dimp::meta::parse(alice.at("meta"));
    auto c = dimp::meta::parse(carol.at("meta"));
    REQUIRE(a);
    REQUIRE(c);
    const auto bob_id = *dimp::id::parse(bob.at("ids")[0].at("id").get<std::string>());
    CHECK(a->match(bob_id).error() == dimp_error::id_mismatch);
    // alice's address under another name: the fingerprint binds the seed.
    const auto alice_id = *dimp::id::parse(alice.at("ids")[0].at("id").get<std::string>());
    CHECK(a->match(dimp::id::make("mallory", alice_id.address())).error() ==
          dimp_error::id_mismatch);
    CHECK(a->match(dimp::id::anyone()).error() == dimp_error::id_mismatch);
    CHECK(c->match(alice_id).error() == dimp_error::id_mismatch);
    CHECK(c->generate_address(1).error() == dimp_error::id_mismatch);
    // Tampering with any validated field.
    {
        auto j = alice.at("meta");
        j["seed"] = "alicf";
        CHECK(dimp::meta::parse(j).error() == dimp_error::authentication_failed);
    }
    {
        auto j = bob.at("meta");
        std::string fp = j.at("fingerprint");
        fp[10] = fp[10] == 'A' ? 'B' : 'A';
        j["fingerprint"] = fp;
        CHECK(dimp::meta::parse(j).error() == dimp_error::authentication_failed);
    }
    {
        auto j = alice.at("meta");
        j["key"] = carol.at("meta").at("key");
        CHECK(dimp::meta::parse(j).error() == dimp_error::authentication_failed);
    }
    {
        auto j = alice.at("meta");
        j.erase("fingerprint");
        CHECK(dimp::meta::parse(j).error() == dimp_error::invalid_meta);
        j.erase("seed");
        CHECK(dimp::meta::parse(j).error() == dimp_error::invalid_meta);
    }
    {
        auto j = carol.at("meta");
        j["seed"] = "carol";
        CHECK(dimp::meta::parse(j).error() == dimp_error::invalid_meta);
        j = carol.at("meta");
        j["type"] = 4; // an integer type reads the same
        CHECK(dimp::meta::parse(j));
        j["type"] = "3";
        CHECK(dimp::meta::parse(j).error() == dimp_error::unsupported_meta);
        j["type"] = -1;
        CHECK(dimp::meta::parse(j).error() == codec::decode_error::out_of_range);
        j["type"] = "4";
        j["key"] = bob.at("meta").at("key"); // ETH needs an ECC key
        CHECK(dimp::meta::parse(j).error() == dimp_error::invalid_meta);
        j.erase("key");
        CHECK(dimp::meta::parse(j).error() == codec::decode_error::missing_field);
    }
    {
        auto j = alice.at("meta");
        j["fingerprint"] = "not base64!";
        CHECK(dimp::meta::parse(j).error() == dimp_error::invalid_meta);
        j["seed"] = 7;
        CHECK(dimp::meta::parse(j).error() == codec::decode_error::unexpected_type);
    }
    CHECK(dimp::meta::parse(nlohmann::json("x")).error() == codec::decode_error::unexpected_type);
}

TEST_CASE("dimp meta: generate for every type", "[protocols][dimp][meta]") {
    testing::deterministic_random rng(4);
    auto ecc = dimp::private_key::generate_ecc(rng);
    for (auto t : {dimp::meta_type::mkm, dimp::meta_type::btc, dimp::meta_type::eth}) {
        auto m = dimp::meta::generate(t, ecc, t == dimp::meta_type::mkm ? "dave" : "");
        REQUIRE(m);
        auto back = dimp::meta::parse(m->to_json());
        REQUIRE(back);
        auto i = back->generate_id(0, "laptop");
        REQUIRE(i);
        CHECK(m->match(*i));
        CHECK(i->terminal() == std::optional<std::string>("laptop"));
    }
    CHECK(dimp::meta::generate(dimp::meta_type::mkm, ecc).error() == dimp_error::invalid_meta);
    CHECK(dimp::meta::generate(dimp::meta_type::btc, ecc, "x").error() == dimp_error::invalid_meta);
}
