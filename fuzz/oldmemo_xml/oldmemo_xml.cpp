// Fuzzes OMEMO 0.3's XML element readers (protocols/oldmemo/xml.hpp). The
// first byte picks the element (mod 3: <encrypted>, <bundle>, <list>), the
// rest is the XML text. Properties: nothing throws or crashes; a refusal is
// an xml_error; what parses writes back to a form that parses to the same
// value and is written the same again; a bundle's signature check runs
// (and never throws) on whatever parsed.
// Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_oldmemo_xml /dev/null writes
// them (genuine elements as e2ekit and ElementTree spell them, and broken
// ones).
#include <e2ekit/protocols/oldmemo/xml.hpp>

#include <e2ekit/core/random.hpp>

#include <fuzz/support/seeds.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo03;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

template <class T>
void check_error(const result<T>& r) {
    require(r.error().category() == category_of<om::xml_error>());
}

/// ElementTree's spelling: every element prefixed ns0, declared on the top.
std::string prefixed(std::string xml) {
    std::string out;
    for (std::size_t i = 0; i < xml.size(); ++i) {
        out.push_back(xml[i]);
        if (xml[i] == '<' && i + 1 < xml.size() && xml[i + 1] != '/' && xml[i + 1] != '?')
            out += "ns0:";
        else if (xml[i] == '<' && i + 1 < xml.size() && xml[i + 1] == '/')
            out += "/ns0:", ++i;
    }
    const auto at = out.find(" xmlns='");
    out.replace(at, 7, " xmlns:ns0=");
    return out;
}

void write_seed(const std::string& dir, const std::string& name, byte mode, std::string_view xml) {
    std::ofstream f(dir + "/" + name, std::ios::binary);
    f.put(static_cast<char>(mode));
    f.write(xml.data(), static_cast<std::streamsize>(xml.size()));
}

void write_seeds(const std::string& dir) {
    testing::deterministic_random rng(5);
    const auto id = om::identity_key_pair::generate(rng);
    const auto spk = om::generate_signed_prekey(id, 3, 0, rng);
    const auto pks = om::generate_prekeys(1, 2, rng);
    const std::string bundle = om::serialize_bundle(om::make_bundle(id, spk, pks));
    om::encrypted_element e{
        12, {{34, true, bytes(40, 7)}, {56, false, bytes(20, 9)}}, bytes(12, 1), bytes(30, 2)};
    const std::string encrypted = om::serialize_encrypted(e);
    e.payload.reset();
    const std::string empty = om::serialize_encrypted(e);
    const std::vector<std::uint32_t> ids{1, 2, 3};
    const std::string list = om::serialize_device_list(ids);
    write_seed(dir, "encrypted", 0, encrypted);
    write_seed(dir, "encrypted_ns0", 0, prefixed(encrypted));
    write_seed(dir, "encrypted_empty", 0, empty);
    write_seed(dir, "encrypted_cut", 0, std::string_view(encrypted).substr(0, 60));
    write_seed(dir, "encrypted_cdata", 0,
               "<encrypted xmlns='eu.siacs.conversations.axolotl'><!-- c --><header sid=' 1 '>"
               "<iv><![CDATA[AAAA]]></iv><key rid='2' prekey='1'>AA\nAA</key></header>"
               "</encrypted>");
    write_seed(dir, "bundle", 1, bundle);
    write_seed(dir, "bundle_ns0", 1, prefixed(bundle));
    write_seed(dir, "bundle_no_prekeys", 1, om::serialize_bundle(om::make_bundle(id, spk, {})));
    write_seed(dir, "list", 2, list);
    write_seed(dir, "list_ns0", 2, prefixed(list));
    write_seed(dir, "list_bad", 2, "<list xmlns='eu.siacs.conversations.axolotl'><device id='x'/>");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    e2ekit::fuzz::write_seeds_once([](const char* dir) { write_seeds(dir); });
    if (size == 0) return 0;
    const std::string_view xml(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 3) {
    case 0: {
        auto e = om::parse_encrypted(xml);
        if (!e) {
            check_error(e);
            break;
        }
        const std::string out = om::serialize_encrypted(*e);
        auto again = om::parse_encrypted(out);
        require(again && *again == *e && om::serialize_encrypted(*again) == out);
        break;
    }
    case 1: {
        auto b = om::parse_bundle(xml);
        if (!b) {
            check_error(b);
            break;
        }
        (void)b->verify();
        (void)b->identity_key_ed25519();
        const std::string out = om::serialize_bundle(*b);
        auto again = om::parse_bundle(out);
        require(again && *again == *b && om::serialize_bundle(*again) == out);
        break;
    }
    default: {
        auto l = om::parse_device_list(xml);
        if (!l) {
            check_error(l);
            break;
        }
        const std::string out = om::serialize_device_list(*l);
        auto again = om::parse_device_list(out);
        require(again && *again == *l && om::serialize_device_list(*again) == out);
        break;
    }
    }
    return 0;
}
