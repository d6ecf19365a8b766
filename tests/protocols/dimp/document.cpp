#include <e2ekit/protocols/dimp/document.hpp>

#include <catch2/catch.hpp>

#include <tests/support/dimp_vectors.hpp>

#include <string>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;
using dimp::dimp_error;
namespace tv = e2ekit::test::dimp;

namespace {
/// The meta of the account that owns `did` in accounts.json.
const nlohmann::json& meta_of(const nlohmann::json& acc, const std::string& did) {
    for (const auto& m : acc.at("metas"))
        for (const auto& e : m.at("ids"))
            if (e.at("id") == did) return m;
    throw std::runtime_error("no meta for " + did);
}
} // namespace

TEST_CASE("dimp document: every document of documents.json",
          "[protocols][dimp][document][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto acc = tv::load("accounts.json");
    const auto docs = tv::load("documents.json");
    int n = 0;
    for (const auto& d : docs.at("documents")) {
        INFO(d.at("label").get<std::string>());
        auto doc = dimp::document::parse(d.at("document"));
        REQUIRE(doc);
        CHECK(doc->type() == d.at("document").at("type").get<std::string>());
        CHECK(doc->did().str() == d.at("document").at("did").get<std::string>());
        CHECK(doc->data() == d.at("document").at("data").get<std::string>());
        CHECK(doc->properties() == d.at("properties_parsed"));
        auto key = dimp::public_key::from_json(d.at("signer_meta_key"));
        REQUIRE(key);
        CHECK(doc->verify(*key));
        // The whole chain for the owner: meta -> ID, document -> ID, meta key -> data.
        const auto& owner = meta_of(acc, doc->did().str());
        auto owner_meta = dimp::meta::parse(owner.at("meta"));
        REQUIRE(owner_meta);
        CHECK(doc->verify_for(doc->did(), *owner_meta));
        CHECK(doc->to_json() == d.at("document"));
        if (doc->is_visa()) {
            auto vk = doc->visa_key();
            REQUIRE(vk);
            CHECK(vk->has_value() == d.at("properties_parsed").contains("key"));
            CHECK(doc->name() == d.at("properties_parsed").at("name").get<std::string>());
        } else {
            auto f = doc->founder();
            REQUIRE(f);
            REQUIRE(f->has_value());
            CHECK((*f)->str() == d.at("signer_id").get<std::string>());
            // The group's meta was made with its founder's key.
            const auto& founder = meta_of(acc, (*f)->str());
            CHECK(dimp::meta::parse(founder.at("meta"))->key() == owner_meta->key());
        }
        CHECK(doc->time() == 1714000000.0);
        ++n;
    }
    CHECK(n == 4);
}

TEST_CASE("dimp document: signing reproduces bob's visa byte for byte",
          "[protocols][dimp][document][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto acc = tv::load("accounts.json");
    // Members in file order: the reference signs json.dumps of the
    // properties in insertion order.
    const auto docs = tv::load_ordered("documents.json");
    const auto& d = tv::by(docs.at("documents"), "label", "visa_bob_rsa_deterministic");
    REQUIRE(d.at("signature_deterministic").get<bool>());
    const auto& bob = tv::by(acc.at("metas"), "label", "bob");
    auto priv = dimp::private_key::from_json(bob.at("private_key"));
    REQUIRE(priv);
    auto did = dimp::id::parse(d.at("document").at("did").get<std::string>());
    REQUIRE(did);
    auto doc = dimp::document::sign("visa", *did, d.at("properties_parsed"), *priv);
    REQUIRE(doc);
    CHECK(doc->data() == d.at("document").at("data").get<std::string>());
    CHECK(doc->to_json().at("signature") == d.at("document").at("signature").get<std::string>());
    // The other documents' data is reproduced too (their ECDSA signatures
    // are not deterministic).
    for (const auto& other : docs.at("documents")) {
        INFO(other.at("label").get<std::string>());
        auto text = codec::json::python_dumps(other.at("properties_parsed"));
        REQUIRE(text);
        CHECK(*text == other.at("document").at("data").get<std::string>());
    }
}

TEST_CASE("dimp document: the document checks of checks.json",
          "[protocols][dimp][document][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto acc = tv::load("accounts.json");
    const auto docs = tv::load("documents.json");
    int n = 0;
    for (const auto& name : tv::check_names()) {
        INFO(name);
        std::string label;
        if (tv::starts_with(name, "visa alice ")) label = "visa_alice";
        if (tv::starts_with(name, "visa carol ")) label = "visa_carol";
        if (name == "bulletin independent verify") label = "bulletin_test_group";
        if (name == "bob visa rsa deterministic") label = "visa_bob_rsa_deterministic";
        if (label.empty()) continue;
        const auto& d = tv::by(docs.at("documents"), "label", label);
        auto doc = dimp::document::parse(d.at("document"));
        REQUIRE(doc);
        auto owner_meta = dimp::meta::parse(meta_of(acc, doc->did().str()).at("meta"));
        REQUIRE(owner_meta);
        CHECK(doc->verify_for(doc->did(), *owner_meta));
        if (label == "visa_bob_rsa_deterministic") {
            auto priv = dimp::private_key::from_json(
                tv::by(acc.at("metas"), "label", "bob").at("private_key"));
            CHECK(test::tohex(*priv->sign(as_bytes(doc->data()))) == test::tohex(doc->signature()));
        }
        ++n;
    }
    CHECK(n == 6);
}

TEST_CASE("dimp document: forged and malformed documents", "[protocols][dimp][document][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto acc = tv::load("accounts.json");
    const auto docs = tv::load("documents.json");
    const auto& alice_visa = tv::by(docs.at("documents"), "label", "visa_alice").at("document");
    auto alice_meta = dimp::meta::parse(tv::by(acc.at("metas"), "label", "alice").at("meta"));
    auto carol_meta = dimp::meta::parse(tv::by(acc.at("metas"), "label", "carol").at("meta"));
    REQUIRE(alice_meta);
    REQUIRE(carol_meta);
    auto alice_id = dimp::id::parse(alice_visa.at("did").get<std::string>());
    REQUIRE(alice_id);
    {
        // One character of `data` changed, even one the JSON would not see.
        auto j = alice_visa;
        std::string data = j.at("data");
        data.insert(data.size() - 1, " ");
        j["data"] = data;
        auto doc = dimp::document::parse(j);
        REQUIRE(doc);
        CHECK(doc->verify(alice_meta->key()).error() == dimp_error::authentication_failed);
    }
    {
        // Signed by someone else.
        auto doc = dimp::document::parse(alice_visa);
        REQUIRE(doc);
        CHECK(doc->verify(carol_meta->key()).error() == dimp_error::authentication_failed);
        CHECK(doc->verify_for(*alice_id, *carol_meta).error() == dimp_error::id_mismatch);
        auto carol_id = dimp::id::parse("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23");
        CHECK(doc->verify_for(*carol_id, *carol_meta).error() == dimp_error::id_mismatch);
    }
    {
        auto j = alice_visa;
        j.erase("type"); // derived from the ID: a user's document is a visa
        auto doc = dimp::document::parse(j);
        REQUIRE(doc);
        CHECK(doc->is_visa());
    }
    using codec::decode_error;
    auto with = [&](const char* field, nlohmann::json v) {
        auto j = alice_visa;
        if (v.is_null())
            j.erase(field);
        else
            j[field] = v;
        return dimp::document::parse(j).error();
    };
    CHECK(with("data", nullptr) == decode_error::missing_field);
    CHECK(with("signature", nullptr) == decode_error::missing_field);
    CHECK(with("did", nullptr) == decode_error::missing_field);
    CHECK(with("did", "nobody@nowhere") == dimp_error::invalid_address);
    CHECK(with("data", "") == dimp_error::invalid_document);
    CHECK(with("data", "[1, 2]") == dimp_error::invalid_document);
    CHECK(with("data", "{\"a\": ") == dimp_error::invalid_document);
    CHECK(with("signature", "") == dimp_error::invalid_document);
    CHECK(with("signature", "***") == dimp_error::invalid_document);
    CHECK(with("data", 5) == decode_error::unexpected_type);
    {
        // A visa key that is not an RSA key map.
        auto priv = dimp::private_key::from_json(
            tv::by(acc.at("metas"), "label", "alice").at("private_key"));
        nlohmann::json props = {{"type", "visa"}, {"key", {{"algorithm", "RSA"}, {"data", "x"}}}};
        auto doc = dimp::document::sign("visa", *alice_id, props, *priv);
        REQUIRE(doc);
        CHECK(doc->verify_for(*alice_id, *alice_meta));
        CHECK(doc->visa_key().error() == dimp_error::invalid_document);
        props["key"] = alice_meta->key().to_json(); // ECC cannot encrypt
        CHECK(dimp::document::sign("visa", *alice_id, props, *priv)->visa_key().error() ==
              dimp_error::invalid_document);
        CHECK(dimp::document::sign("visa", *alice_id, nlohmann::json::array(), *priv).error() ==
              dimp_error::invalid_document);
    }
}
