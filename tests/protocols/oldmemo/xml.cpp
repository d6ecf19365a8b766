#include <e2ekit/protocols/oldmemo/xml.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/codec/base64.hpp>

#include <string>
#include <vector>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo03;

namespace {

std::string b64(bytes_view b) {
    return codec::base64::encode(b);
}

om::encrypted_element sample(testing::deterministic_random& rng) {
    om::encrypted_element e;
    e.sid = 27183;
    e.keys.push_back({31415, false, bytes(57, 0x33)});
    e.keys.push_back({12321, true, bytes(120, 0x44)});
    e.iv = bytes(12);
    rng.fill(e.iv);
    e.payload = bytes(40);
    rng.fill(*e.payload);
    return e;
}

om::bundle sample_bundle(testing::deterministic_random& rng) {
    const auto id = om::identity_key_pair::generate(rng);
    const auto spk = om::generate_signed_prekey(id, 9, 0, rng);
    const auto pks = om::generate_prekeys(1, 3, rng);
    return om::make_bundle(id, spk, pks);
}

} // namespace

TEST_CASE("oldmemo xml: <encrypted> round trip", "[protocols][oldmemo][xml]") {
    testing::deterministic_random rng(61);
    auto e = sample(rng);
    const std::string xml = om::serialize_encrypted(e);
    CHECK(xml.rfind("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='27183'>", 0) ==
          0);
    auto back = om::parse_encrypted(xml);
    REQUIRE(back);
    CHECK(*back == e);
    REQUIRE(back->key_for(12321));
    CHECK(back->key_for(12321)->prekey);
    CHECK_FALSE(back->key_for(1));
    CHECK(back->content().ciphertext == *e.payload);
    CHECK(back->content().iv == e.iv);
    // An empty message: no <payload>.
    e.payload.reset();
    auto empty = om::parse_encrypted(om::serialize_encrypted(e));
    REQUIRE(empty);
    CHECK_FALSE(empty->payload);
    CHECK(empty->content().empty());
    // Through a pugixml node too.
    pugi::xml_document doc;
    REQUIRE(doc.load_string(xml.c_str()));
    auto from_node = om::parse_encrypted(doc.document_element());
    REQUIRE(from_node);
    CHECK(from_node->sid == 27183);
}

TEST_CASE("oldmemo xml: <encrypted> as other writers spell it", "[protocols][oldmemo][xml]") {
    // ElementTree's prefixed namespace, any order, whitespace, CDATA,
    // comments, xs:boolean spellings, unknown elements and attributes.
    const std::string xml =
        "<?xml version='1.0'?>\n<o:encrypted xmlns:o=\"eu.siacs.conversations.axolotl\">"
        "<!-- hi --><o:payload>AAEC\nAw==</o:payload>\n  <o:header sid=' 7 ' x='y'>"
        "<o:iv><![CDATA[AAAAAAAAAAAAAAAA]]></o:iv><o:key rid=\"+8\" prekey=\"1\">BQ==</o:key>"
        "<o:key rid='9' prekey='false'>Bg==</o:key><o:key rid='10'>Bw==</o:key>"
        "<other xmlns='urn:x'/><o:unknown/></o:header><store xmlns='urn:xmpp:hints'/>"
        "</o:encrypted>";
    auto e = om::parse_encrypted(xml);
    REQUIRE(e);
    CHECK(e->sid == 7);
    REQUIRE(e->keys.size() == 3);
    CHECK(e->keys[0] == om::key_element{8, true, bytes{5}});
    CHECK(e->keys[1] == om::key_element{9, false, bytes{6}});
    CHECK(e->keys[2] == om::key_element{10, false, bytes{7}});
    CHECK(e->iv == bytes(12, 0));
    CHECK(e->payload == bytes{0, 1, 2, 3});
    // The default namespace inherited from a parent element (a stanza).
    pugi::xml_document doc;
    REQUIRE(doc.load_string("<message xmlns='jabber:client'><encrypted "
                            "xmlns='eu.siacs.conversations.axolotl'><header sid='1'><iv>AAAA</iv>"
                            "</header></encrypted></message>"));
    CHECK(om::parse_encrypted(doc.document_element().first_child()));
    REQUIRE(doc.load_string("<m xmlns:o='eu.siacs.conversations.axolotl'><o:encrypted><o:header "
                            "sid='1'><o:iv>AAAA</o:iv></o:header></o:encrypted></m>"));
    CHECK(om::parse_encrypted(doc.document_element().first_child()));
}

TEST_CASE("oldmemo xml: <encrypted> refusals", "[protocols][oldmemo][xml]") {
    const std::string ns = " xmlns='eu.siacs.conversations.axolotl'";
    const auto wrap = [&](const std::string& header, const std::string& rest = "") {
        return "<encrypted" + ns + ">" + header + rest + "</encrypted>";
    };
    struct bad {
        std::string xml;
        om::xml_error error;
    };
    const bad cases[] = {
        {"", om::xml_error::malformed},
        {"not xml", om::xml_error::malformed},
        {"<encrypted" + ns + ">", om::xml_error::malformed},
        {"<a/><b/>", om::xml_error::malformed},
        {"<x:encrypted><x:header sid='1'/></x:encrypted>", om::xml_error::malformed},
        {"<encrypted><header sid='1'><iv>AAAA</iv></header></encrypted>",
         om::xml_error::wrong_element},
        {"<encrypted xmlns='urn:xmpp:omemo:2'/>", om::xml_error::wrong_element},
        {"<header" + ns + " sid='1'/>", om::xml_error::wrong_element},
        {wrap(""), om::xml_error::missing_element},
        {wrap("<header sid='1'/>"), om::xml_error::missing_element},
        {wrap("<header sid='1'><iv>AAAA</iv><iv>AAAA</iv></header>"),
         om::xml_error::duplicate_element},
        {wrap("<header sid='1'><iv>AAAA</iv></header><header sid='1'><iv>AAAA</iv></header>"),
         om::xml_error::duplicate_element},
        {wrap("<header sid='1'><iv>AAAA</iv></header>", "<payload/><payload/>"),
         om::xml_error::duplicate_element},
        {wrap("<header><iv>AAAA</iv></header>"), om::xml_error::missing_attribute},
        {wrap("<header sid='-1'><iv>AAAA</iv></header>"), om::xml_error::bad_attribute},
        {wrap("<header sid='4294967296'><iv>AAAA</iv></header>"), om::xml_error::bad_attribute},
        {wrap("<header sid='0x1'><iv>AAAA</iv></header>"), om::xml_error::bad_attribute},
        {wrap("<header sid=''><iv>AAAA</iv></header>"), om::xml_error::bad_attribute},
        {wrap("<header sid='1'><iv>AAAA</iv><key>AAAA</key></header>"),
         om::xml_error::missing_attribute},
        {wrap("<header sid='1'><iv>AAAA</iv><key rid='1' prekey='yes'>AAAA</key></header>"),
         om::xml_error::bad_attribute},
        {wrap("<header sid='1'><iv>AAA</iv></header>"), om::xml_error::bad_base64},
        {wrap("<header sid='1'><iv>AA=A</iv></header>"), om::xml_error::bad_base64},
        {wrap("<header sid='1'><iv>AAAA<x/></iv></header>"), om::xml_error::bad_base64},
        {wrap("<header sid='1'><iv>AAAA</iv><key rid='1'>A!AA</key></header>"),
         om::xml_error::bad_base64},
        {wrap("<header sid='1'><iv>AAAA</iv></header>", "<payload>AAB=</payload>"),
         om::xml_error::bad_base64},
    };
    for (const auto& c : cases) {
        INFO(c.xml);
        auto r = om::parse_encrypted(c.xml);
        REQUIRE_FALSE(r);
        CHECK(r.error() == c.error);
    }
    pugi::xml_document doc;
    CHECK(om::parse_encrypted(doc).error() == om::xml_error::wrong_element);
}

TEST_CASE("oldmemo xml: <bundle>", "[protocols][oldmemo][xml]") {
    testing::deterministic_random rng(62);
    const om::bundle b = sample_bundle(rng);
    const std::string xml = om::serialize_bundle(b);
    // The schema's order: signed pre-key, signature, identity key, pre-keys.
    const auto at = [&](const char* s) { return xml.find(s); };
    CHECK(at("<signedPreKeyPublic signedPreKeyId='9'>") < at("<signedPreKeySignature>"));
    CHECK(at("<signedPreKeySignature>") < at("<identityKey>"));
    CHECK(at("<identityKey>") < at("<prekeys>"));
    CHECK(xml.find("<identityKey>" + b64(om::key_encoding::encode(b.identity_key)) +
                   "</identityKey>") != std::string::npos);
    auto back = om::parse_bundle(xml);
    REQUIRE(back);
    CHECK(*back == b);
    CHECK(back->verify());
    CHECK(om::serialize_bundle(*back) == xml);

    // Another order and ElementTree's prefix read alike.
    std::string reordered = "<n:bundle xmlns:n='eu.siacs.conversations.axolotl'><n:prekeys>";
    for (const auto& p : b.prekeys)
        reordered += "<n:preKeyPublic preKeyId='" + std::to_string(p.id) + "'>" +
                     b64(om::key_encoding::encode(p.key)) + "</n:preKeyPublic>";
    reordered += "</n:prekeys><n:identityKey>" + b64(om::key_encoding::encode(b.identity_key)) +
                 "</n:identityKey><n:signedPreKeySignature>" + b64(b.signed_prekey_signature) +
                 "</n:signedPreKeySignature><n:signedPreKeyPublic signedPreKeyId='9'>" +
                 b64(om::key_encoding::encode(b.signed_prekey)) +
                 "</n:signedPreKeyPublic></n:bundle>";
    auto other = om::parse_bundle(reordered);
    REQUIRE(other);
    CHECK(*other == b);

    const auto replace = [&](const std::string& from, const std::string& to) {
        std::string s = xml;
        const auto i = s.find(from);
        REQUIRE(i != std::string::npos);
        s.replace(i, from.size(), to);
        return s;
    };
    const std::string ik = b64(om::key_encoding::encode(b.identity_key));
    CHECK(om::parse_bundle(replace("<identityKey>" + ik + "</identityKey>", "")).error() ==
          om::xml_error::missing_element);
    CHECK(om::parse_bundle(replace(" signedPreKeyId='9'", "")).error() ==
          om::xml_error::missing_attribute);
    CHECK(om::parse_bundle(replace(ik, b64(b.identity_key))).error() == om::xml_error::bad_key);
    CHECK(om::parse_bundle(replace(b64(b.signed_prekey_signature),
                                   b64(bytes_view(b.signed_prekey_signature).first(63))))
              .error() == om::xml_error::bad_key);
    CHECK(om::parse_bundle(replace("<prekeys>", "<prekeys><preKeyPublic>BQ==</preKeyPublic>"))
              .error() == om::xml_error::missing_attribute);
    CHECK(om::parse_bundle(replace("<prekeys>", "<x/><prekeys>")));
    // No one-time pre-keys: read, then refused when a session is built.
    auto none = om::parse_bundle(om::serialize_bundle(
        {b.identity_key, b.signed_prekey_id, b.signed_prekey, b.signed_prekey_signature, {}}));
    REQUIRE(none);
    CHECK(none->prekeys.empty());
    CHECK(om::parse_bundle(om::serialize_device_list({})).error() == om::xml_error::wrong_element);
}

TEST_CASE("oldmemo xml: <list>", "[protocols][oldmemo][xml]") {
    const std::vector<std::uint32_t> ids{5, 1, 4294967295u};
    const std::string xml = om::serialize_device_list(ids);
    CHECK(xml == "<list xmlns='eu.siacs.conversations.axolotl'><device id='5'/><device id='1'/>"
                 "<device id='4294967295'/></list>");
    auto back = om::parse_device_list(xml);
    REQUIRE(back);
    CHECK(*back == ids);
    auto dup = om::parse_device_list(
        "<ns0:list xmlns:ns0='eu.siacs.conversations.axolotl'><ns0:device id='2' />"
        "<ns0:device id='2' label='x'/><ns0:device id='3'/></ns0:list>");
    REQUIRE(dup);
    CHECK(*dup == std::vector<std::uint32_t>{2, 3});
    auto empty = om::parse_device_list(om::serialize_device_list({}));
    REQUIRE(empty);
    CHECK(empty->empty());
    CHECK(om::parse_device_list("<list xmlns='eu.siacs.conversations.axolotl'><device/></list>")
              .error() == om::xml_error::missing_attribute);
    CHECK(om::parse_device_list(
              "<list xmlns='eu.siacs.conversations.axolotl'><device id='a'/></list>")
              .error() == om::xml_error::bad_attribute);
    CHECK(om::parse_device_list("<devices xmlns='urn:xmpp:omemo:2'/>").error() ==
          om::xml_error::wrong_element);
}
