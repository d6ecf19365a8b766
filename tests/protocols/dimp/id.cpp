#include <e2ekit/protocols/dimp/id.hpp>

#include <catch2/catch.hpp>

#include <tests/support/dimp_vectors.hpp>

#include <string>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;
using dimp::dimp_error;

namespace {
std::string opt(const std::optional<std::string>& s) {
    return s ? *s : "<none>";
}
std::string opt(const nlohmann::json& j) {
    return j.is_null() ? "<none>" : j.get<std::string>();
}
} // namespace

TEST_CASE("dimp id: broadcast IDs and parsing samples of accounts.json",
          "[protocols][dimp][id][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto acc = test::dimp::load("accounts.json");
    int n = 0;
    for (const auto& b : acc.at("broadcast_ids")) {
        INFO(b.at("id").get<std::string>());
        auto i = dimp::id::parse(b.at("id").get<std::string>());
        REQUIRE(i);
        CHECK(opt(i->name()) == opt(b.at("name")));
        CHECK(i->address().str() == b.at("address").get<std::string>());
        CHECK(i->type() == b.at("network").get<int>());
        CHECK(i->is_broadcast() == b.at("is_broadcast").get<bool>());
        CHECK(i->is_user() == b.at("is_user").get<bool>());
        CHECK(i->is_group() == b.at("is_group").get<bool>());
        CHECK(i->str() == b.at("id").get<std::string>());
        ++n;
    }
    for (const auto& p : acc.at("id_parsing")) {
        INFO(p.at("string").get<std::string>());
        auto i = dimp::id::parse(p.at("string").get<std::string>());
        REQUIRE(i);
        CHECK(opt(i->name()) == opt(p.at("name")));
        CHECK(i->address().str() == p.at("address").get<std::string>());
        CHECK(opt(i->terminal()) == opt(p.at("terminal")));
        CHECK(i->type() == p.at("network").get<int>());
        CHECK(i->is_user() == p.at("is_user").get<bool>());
        CHECK(i->is_group() == p.at("is_group").get<bool>());
        CHECK(i->str() == p.at("string").get<std::string>());
        ++n;
    }
    for (const auto& m : acc.at("metas")) {
        for (const auto& e : m.at("ids")) {
            const std::string text = e.at("id");
            INFO(text);
            auto i = dimp::id::parse(text);
            REQUIRE(i);
            CHECK(i->str() == text);
            CHECK(i->address().str() == e.at("address").get<std::string>());
            if (e.contains("is_user")) {
                CHECK(i->is_user() == e.at("is_user").get<bool>());
                CHECK(i->is_group() == e.at("is_group").get<bool>());
            } else {
                CHECK(i->type() == e.at("compat_entity_type").get<int>());
            }
            ++n;
        }
    }
    CHECK(n == 5 + 3 + 21);
}

TEST_CASE("dimp id: parts, constants and the keys-map form", "[protocols][dimp][id]") {
    auto i = dimp::id::parse("alice@17K4BBPXutyU3XGHJUzsWsESkzA6uZoiWZ/phone-1");
    REQUIRE(i);
    CHECK(i->without_terminal().str() == "alice@17K4BBPXutyU3XGHJUzsWsESkzA6uZoiWZ");
    CHECK_FALSE(i->without_terminal() == *i);
    CHECK(dimp::id::anyone().str() == "anyone@anywhere");
    CHECK(dimp::id::everyone().str() == "everyone@everywhere");
    CHECK(dimp::id::founder().str() == "moky@anywhere");
    CHECK(dimp::id::everyone().is_group());
    auto made = dimp::id::make("bob", i->address(), "pc");
    CHECK(made.str() == "bob@17K4BBPXutyU3XGHJUzsWsESkzA6uZoiWZ/pc");
    CHECK(dimp::id::make("", i->address()).str() == "17K4BBPXutyU3XGHJUzsWsESkzA6uZoiWZ");
}

TEST_CASE("dimp id: malformed IDs are refused with typed errors", "[protocols][dimp][id]") {
    const std::string a = "17K4BBPXutyU3XGHJUzsWsESkzA6uZoiWZ";
    CHECK(dimp::id::parse("").error() == dimp_error::invalid_id);
    CHECK(dimp::id::parse("@" + a).error() == dimp_error::invalid_id);
    CHECK(dimp::id::parse("alice@").error() == dimp_error::invalid_id);
    CHECK(dimp::id::parse("a@b@" + a).error() == dimp_error::invalid_id);
    CHECK(dimp::id::parse("alice@" + a + "/").error() == dimp_error::invalid_id);
    CHECK(dimp::id::parse("alice@" + a + "/x/y").error() == dimp_error::invalid_id);
    CHECK(dimp::id::parse("/x").error() == dimp_error::invalid_id);
    CHECK(dimp::id::parse("alice@nowhere").error() == dimp_error::invalid_address);
    CHECK(dimp::id::parse("alice@" + a.substr(0, 33) + "X").error() == dimp_error::bad_checksum);
    CHECK(dimp::id::parse(std::string(600, 'a') + "@" + a).error() == dimp_error::too_large);
}
