#include <e2ekit/protocols/twomemo/xml.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo2;

namespace {

std::string b64(bytes_view b) {
    return codec::base64::encode<codec::base64::standard>(b);
}

om::bundle sample_bundle(testing::deterministic_random& rng) {
    const auto id = om::identity_key_pair::generate(rng);
    const auto spk = om::signed_prekey::generate(id.dh, 3, 0, rng);
    const auto pks = om::prekey::generate(10, 4, rng);
    return om::make_bundle(id, spk, pks);
}

// A <bundle> as ElementTree writes it (etree.serialize_bundle, ET.tostring):
// prefixed elements, `ns0` bound on the root.
std::string python_style_bundle(const om::bundle& b) {
    std::string s = "<ns0:bundle xmlns:ns0=\"urn:xmpp:omemo:2\"><ns0:spk id=\"" +
                    std::to_string(b.signed_prekey_id) + "\">" + b64(b.signed_prekey) +
                    "</ns0:spk><ns0:spks>" + b64(b.signed_prekey_signature) +
                    "</ns0:spks><ns0:ik>" + b64(b.identity) + "</ns0:ik><ns0:prekeys>";
    for (const auto& pk : b.prekeys)
        s += "<ns0:pk id=\"" + std::to_string(pk.id) + "\">" + b64(pk.key) + "</ns0:pk>";
    return s + "</ns0:prekeys></ns0:bundle>";
}

} // namespace

TEST_CASE("twomemo xml: <devices> both ways", "[protocols][twomemo][xml]") {
    const std::vector<om::device> list{{1, "phone"}, {0xffffffff, std::nullopt}, {7, "<&\"'>"}};
    const std::string text = om::device_list_xml(list);
    CHECK(text.find("xmlns=\"urn:xmpp:omemo:2\"") != std::string::npos);
    auto back = om::parse_device_list(text);
    REQUIRE(back);
    CHECK(*back == list);
    // ElementTree's form.
    auto py = om::parse_device_list(
        "<ns0:devices xmlns:ns0=\"urn:xmpp:omemo:2\"><ns0:device id=\"5\" label=\"laptop\" />"
        "<ns0:device id=\"6\" /></ns0:devices>");
    REQUIRE(py);
    CHECK(*py == std::vector<om::device>{{5, "laptop"}, {6, std::nullopt}});
    // Whitespace between elements, leading zeros and '+' (xs:unsignedInt).
    auto spaced = om::parse_device_list(
        "<devices xmlns='urn:xmpp:omemo:2'>\n  <device id=' +007 '/>\n</devices>");
    REQUIRE(spaced);
    CHECK(spaced->at(0).id == 7);

    for (const char* bad : {
             "",
             "<devices xmlns='urn:xmpp:omemo:2'>",                                   // not XML
             "<devices xmlns='urn:xmpp:omemo:2'/>",                                  // no device
             "<devices><device id='1'/></devices>",                                  // no namespace
             "<devices xmlns='urn:xmpp:omemo:1'><device id='1'/></devices>",         // another
             "<x:devices xmlns:y='urn:xmpp:omemo:2'><x:device id='1'/></x:devices>", // unbound
             "<list xmlns='urn:xmpp:omemo:2'><device id='1'/></list>",
             "<devices xmlns='urn:xmpp:omemo:2'><device/></devices>",
             "<devices xmlns='urn:xmpp:omemo:2'><device id=''/></devices>",
             "<devices xmlns='urn:xmpp:omemo:2'><device id='-1'/></devices>",
             "<devices xmlns='urn:xmpp:omemo:2'><device id='4294967296'/></devices>",
             "<devices xmlns='urn:xmpp:omemo:2'><device id='0x10'/></devices>",
             "<devices xmlns='urn:xmpp:omemo:2'><device id='1' extra='2'/></devices>",
             "<devices xmlns='urn:xmpp:omemo:2'><device id='1' id='2'/></devices>",
             "<devices xmlns='urn:xmpp:omemo:2'><device id='1'/><device id='1'/></devices>",
             "<devices xmlns='urn:xmpp:omemo:2'><device id='1'><x/></device></devices>",
             "<devices xmlns='urn:xmpp:omemo:2'>text<device id='1'/></devices>",
             "<devices xmlns='urn:xmpp:omemo:2' a='b'><device id='1'/></devices>",
             "<devices xmlns='urn:xmpp:omemo:2'><other id='1'/></devices>",
             "<devices xmlns='urn:xmpp:omemo:2'><device id='1'/></devices><devices/>",
         }) {
        auto r = om::parse_device_list(std::string_view(bad));
        INFO(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error() == om::twomemo_error::malformed_xml);
    }
    const std::string with_nul("<devices xmlns='urn:xmpp:omemo:2'><device id='1\0'/></devices>",
                               61);
    CHECK(om::parse_device_list(std::string_view(with_nul)).error() ==
          om::twomemo_error::malformed_xml);
}

TEST_CASE("twomemo xml: characters XML forbids are refused in text input",
          "[protocols][twomemo][xml]") {
    const auto with_label = [](const std::string& label) {
        return "<devices xmlns='urn:xmpp:omemo:2'><device id='1' label='" + label + "'/></devices>";
    };
    for (auto [label, expected] : std::vector<std::pair<std::string, std::string>>{
             {"caf\xc3\xa9", "caf\xc3\xa9"},
             {"&#x41;&#66;", "AB"},
             {"&#x10FFFF;", "\xf4\x8f\xbf\xbf"},
             // Attribute-value normalisation (XML 1.0 §3.3.3): a literal tab
             // becomes a space, a character reference stays a tab.
             {"a\tb&#9;", "a b\t"},
         }) {
        auto r = om::parse_device_list(with_label(label));
        INFO(label);
        REQUIRE(r);
        CHECK(r->at(0).label == expected);
    }
    for (const std::string& label : {
             std::string("\xc0\xaf"),         // overlong '/'
             std::string("\xed\xa0\x80"),     // a surrogate
             std::string("\xf4\x90\x80\x80"), // above U+10FFFF
             std::string("\xff"),
             std::string("\xc3"), // cut short
             std::string("\x01"),
             std::string("\xef\xbf\xbe"), // U+FFFE
             std::string("&#0;"),
             std::string("&#x1;"),
             std::string("&#xD800;"),
             std::string("&#;"),
             std::string("&#x;"),
             std::string("&#12"),
             std::string("&#1a;"),
             std::string("&#x110000;"),
         }) {
        INFO(label);
        CHECK(om::parse_device_list(with_label(label)).error() == om::twomemo_error::malformed_xml);
    }
}

TEST_CASE("twomemo xml: <bundle> both ways", "[protocols][twomemo][xml]") {
    testing::deterministic_random rng(111);
    const auto b = sample_bundle(rng);
    auto back = om::parse_bundle(om::bundle_xml(b));
    REQUIRE(back);
    CHECK(*back == b);
    auto py = om::parse_bundle(python_style_bundle(b));
    REQUIRE(py);
    CHECK(*py == b);
    CHECK(py->verify());

    // Children in any order (xs:all), base64 broken over lines, CDATA.
    const std::string reordered = "<bundle xmlns='urn:xmpp:omemo:2'><prekeys><pk id='10'>\n" +
                                  b64(b.prekeys[0].key) + "\n</pk></prekeys><ik><![CDATA[" +
                                  b64(b.identity) + "]]></ik><spks>" +
                                  b64(b.signed_prekey_signature).insert(40, "\r\n ") +
                                  "</spks><spk id='3'>" + b64(b.signed_prekey) + "</spk></bundle>";
    auto r = om::parse_bundle(reordered);
    REQUIRE(r);
    CHECK(r->identity == b.identity);
    CHECK(r->signed_prekey_signature == b.signed_prekey_signature);
    CHECK(r->prekeys.size() == 1);

    const std::string ik = "<ik>" + b64(b.identity) + "</ik>";
    const std::string spk = "<spk id='3'>" + b64(b.signed_prekey) + "</spk>";
    const std::string spks = "<spks>" + b64(b.signed_prekey_signature) + "</spks>";
    const std::string pk = "<pk id='1'>" + b64(b.prekeys[0].key) + "</pk>";
    const std::string pks = "<prekeys>" + pk + "</prekeys>";
    const auto wrap = [](const std::string& inner) {
        return "<bundle xmlns='urn:xmpp:omemo:2'>" + inner + "</bundle>";
    };
    REQUIRE(om::parse_bundle(wrap(spk + spks + ik + pks)));
    for (const std::string& bad : {
             wrap(spks + ik + pks),                                        // no spk
             wrap(spk + ik + pks),                                         // no spks
             wrap(spk + spks + pks),                                       // no ik
             wrap(spk + spks + ik),                                        // no prekeys
             wrap(spk + spks + ik + ik + pks),                             // ik twice
             wrap(spk + spks + ik + "<prekeys/>"),                         // no pk
             wrap(spk + spks + ik + "<prekeys>" + pk + pk + "</prekeys>"), // id twice
             wrap("<spk>" + b64(b.signed_prekey) + "</spk>" + spks + ik + pks),
             wrap(spk + "<spks>" + b64(bytes(63, 1)) + "</spks>" + ik + pks),
             wrap(spk + spks + "<ik>" + b64(bytes(33, 1)) + "</ik>" + pks),
             wrap(spk + spks + "<ik>not base64!</ik>" + pks),
             wrap(spk + spks + "<ik>" + b64(b.identity).substr(1) + "</ik>" + pks),
             wrap(spk + spks + "<ik id='1'>" + b64(b.identity) + "</ik>" + pks),
             wrap(spk + spks + "<ik><b/></ik>" + pks),
             wrap(spk + spks + ik + pks + "<extra/>"),
             wrap(spk + spks + ik + "<prekeys><pk>" + b64(b.prekeys[0].key) + "</pk></prekeys>"),
             "<bundle xmlns='urn:xmpp:omemo:1'>" + spk + spks + ik + pks + "</bundle>",
         }) {
        INFO(bad);
        auto e = om::parse_bundle(bad);
        REQUIRE_FALSE(e);
        CHECK(e.error() == om::twomemo_error::malformed_xml);
    }
}

TEST_CASE("twomemo xml: <encrypted> both ways", "[protocols][twomemo][xml]") {
    const om::encrypted_element m{
        1234,
        {{"alice@example.org", {{1, {true, bytes{1, 2, 3}}}, {2, {false, bytes{4, 5}}}}},
         {"bob@example.org", {{3, {false, bytes(100, 6)}}}}},
        om::content{bytes(33, 7)}};
    const std::string text = om::encrypted_xml(m);
    CHECK(text.find("kex=\"true\"") != std::string::npos);
    CHECK(text.find("kex=\"false\"") == std::string::npos); // absent when false, as python writes
    auto back = om::parse_encrypted(text);
    REQUIRE(back);
    CHECK(*back == m);
    // An empty message: no <payload>.
    auto empty = m;
    empty.payload = {};
    const std::string empty_text = om::encrypted_xml(empty);
    CHECK(empty_text.find("payload") == std::string::npos);
    auto eb = om::parse_encrypted(empty_text);
    REQUIRE(eb);
    CHECK(eb->payload.empty());

    const auto one = [](const std::string& key_attrs, const std::string& rest = "") {
        return "<encrypted xmlns='urn:xmpp:omemo:2'><header sid='9'><keys jid='a@b'><key " +
               key_attrs + ">AQID</key></keys></header>" + rest + "</encrypted>";
    };
    for (auto [attr, kex] :
         std::vector<std::pair<std::string, bool>>{{"rid='1'", false},
                                                   {"rid='1' kex='true'", true},
                                                   {"rid='1' kex='1'", true},
                                                   {"rid='1' kex='false'", false},
                                                   {"rid='1' kex=' 0 '", false}}) {
        auto r = om::parse_encrypted(one(attr));
        INFO(attr);
        REQUIRE(r);
        CHECK(r->recipients.at(0).keys.at(0).material.kex == kex);
        CHECK(r->recipients.at(0).keys.at(0).material.data == bytes{1, 2, 3});
    }
    // An empty <payload> is no payload (python-twomemo reads it so).
    auto p = om::parse_encrypted(one("rid='1'", "<payload/>"));
    REQUIRE(p);
    CHECK(p->payload.empty());
    // Payload before header (xs:all).
    auto order = om::parse_encrypted(
        "<encrypted xmlns='urn:xmpp:omemo:2'><payload>BwcH</payload><header sid='9'><keys "
        "jid='a@b'><key rid='1'>AQID</key></keys></header></encrypted>");
    REQUIRE(order);
    CHECK(order->payload.ciphertext == bytes{7, 7, 7});

    for (const std::string& bad : {
             one("rid='1' kex='yes'"),
             one("kex='true'"),
             one("rid='1' rid='2'"),
             one("rid='1' other='x'"),
             one("rid='1'", "<payload>!!</payload>"),
             one("rid='1'", "<payload>AQ==</payload><payload>AQ==</payload>"),
             one("rid='1'", "<other/>"),
             std::string("<encrypted xmlns='urn:xmpp:omemo:2'><header><keys jid='a@b'><key "
                         "rid='1'>AQID</key></keys></header></encrypted>"), // no sid
             std::string("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys><key "
                         "rid='1'>AQID</key></keys></header></encrypted>"), // no jid
             std::string("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'/></encrypted>"),
             std::string("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys "
                         "jid='a'/></header></encrypted>"),
             std::string("<encrypted xmlns='urn:xmpp:omemo:2'><payload>AQ==</payload></encrypted>"),
             std::string("<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><keys "
                         "jid='a'><key rid='1'>AQ==</key></keys></header></encrypted>"),
         }) {
        INFO(bad);
        auto e = om::parse_encrypted(bad);
        REQUIRE_FALSE(e);
        CHECK(e.error() == om::twomemo_error::malformed_xml);
    }
}

TEST_CASE("twomemo xml: inside a stanza, through pugixml nodes", "[protocols][twomemo][xml]") {
    // The namespace is bound on the stanza, the element is prefixed.
    pugi::xml_document doc;
    REQUIRE(doc.load_string("<message xmlns='jabber:client' xmlns:o='urn:xmpp:omemo:2' to='a@b'>"
                            "<o:encrypted><o:header sid='5'><o:keys jid='a@b'><o:key rid='6'>"
                            "AQID</o:key></o:keys></o:header></o:encrypted><body>x</body>"
                            "</message>"));
    auto m = om::parse_encrypted(doc.child("message").child("o:encrypted"));
    REQUIRE(m);
    CHECK(m->sid == 5);
    CHECK(m->recipients.at(0).keys.at(0).rid == 6);
    // A stanza in jabber:client: its <body> is no OMEMO element.
    CHECK_FALSE(om::parse_encrypted(doc.child("message").child("body")));

    // Written under a caller's node, read back from it.
    pugi::xml_document out;
    auto stanza = out.append_child("message");
    stanza.append_attribute("xmlns").set_value("jabber:client");
    const om::encrypted_element e{1, {{"c@d", {{2, {true, bytes{9}}}}}}, om::content{bytes{8}}};
    auto written = om::write_encrypted(stanza, e);
    CHECK(std::string(written.name()) == "encrypted");
    auto again = om::parse_encrypted(stanza.child("encrypted"));
    REQUIRE(again);
    CHECK(*again == e);
    testing::deterministic_random rng(112);
    const auto b = sample_bundle(rng);
    auto bundle_node = om::write_bundle(out.append_child("item"), b);
    auto bb = om::parse_bundle(bundle_node);
    REQUIRE(bb);
    CHECK(*bb == b);
    const std::vector<om::device> list{{3, std::nullopt}};
    auto dl = om::parse_device_list(om::write_device_list(out.append_child("item"), list));
    REQUIRE(dl);
    CHECK(*dl == list);
}
