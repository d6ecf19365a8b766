// DIMP IDs and addresses on attacker text: every input goes to
// address::parse and id::parse.
//
// - A refusal is `invalid_id`, `invalid_address`, `bad_checksum` or
//   `too_large`, nothing else.
// - An accepted address keeps its text (a broadcast address in the
//   reference's lower-case spelling), parses again to itself, and is what
//   its form says: a BTC-style address is the canonical base58check of 21
//   bytes whose first is the network byte; an ETH-style one is "0x" and 40
//   hex digits, in one case or with the right EIP-55 checksum.
// - An accepted ID keeps its text, is rebuilt by id::make from its parts,
//   and its terminal-less form parses to the same name and address.
//
// Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_dimp_id /dev/null writes them.
#include <e2ekit/codec/base58.hpp>
#include <e2ekit/crypto/keccak.hpp>
#include <e2ekit/protocols/dimp/id.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;
using dimp::dimp_error;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

/// EIP-55 written here apart from the library: letter i upper-cased when
/// nibble i of Keccak-256(lower-case hex) is 8 or more.
std::string eip55(const std::string& lower) {
    const auto h = crypto::keccak256::digest_of(as_bytes(lower));
    std::string out = lower;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int nibble = (h[i / 2] >> (i % 2 ? 0 : 4)) & 15;
        if (out[i] >= 'a' && nibble >= 8) out[i] = static_cast<char>(out[i] - 32);
    }
    return out;
}

std::string folded(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

void check_address(std::string_view text) {
    auto a = dimp::address::parse(text);
    if (!a) {
        const auto e = a.error();
        require(e == dimp_error::invalid_address || e == dimp_error::bad_checksum);
        return;
    }
    auto again = dimp::address::parse(a->str());
    require(again.has_value() && *again == *a && again->network() == a->network());
    switch (a->kind()) {
    case dimp::address_kind::broadcast:
        require(folded(text) == a->str());
        require(a->is_broadcast());
        break;
    case dimp::address_kind::btc: {
        require(a->str() == text);
        auto payload = codec::base58check::decode(text);
        require(payload.has_value() && payload->size() == 21 && (*payload)[0] == a->network());
        require(codec::base58check::encode(*payload) == text);
        break;
    }
    case dimp::address_kind::eth: {
        require(a->str() == text && text.size() == 42 && text.substr(0, 2) == "0x");
        require(a->network() == 0 && a->is_user());
        const std::string hex = folded(text.substr(2));
        for (char c : hex)
            require((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        const std::string body(text.substr(2));
        bool has_lower = false, has_upper = false;
        for (char c : body) {
            has_lower = has_lower || (c >= 'a' && c <= 'f');
            has_upper = has_upper || (c >= 'A' && c <= 'F');
        }
        if (has_lower && has_upper) require(body == eip55(hex));
        break;
    }
    }
}

void check_id(std::string_view text) {
    auto i = dimp::id::parse(text);
    if (!i) {
        const auto e = i.error();
        require(e == dimp_error::invalid_id || e == dimp_error::invalid_address ||
                e == dimp_error::bad_checksum || e == dimp_error::too_large);
        return;
    }
    require(i->str() == text);
    const std::string_view name = i->name() ? std::string_view(*i->name()) : std::string_view{};
    const std::string_view terminal =
        i->terminal() ? std::string_view(*i->terminal()) : std::string_view{};
    require(!i->name() || !name.empty());
    require(!i->terminal() || !terminal.empty());
    const auto made = dimp::id::make(name, i->address(), terminal);
    // A broadcast address is kept in its canonical spelling.
    if (i->address().kind() != dimp::address_kind::broadcast) require(made == *i);
    auto bare = dimp::id::parse(i->without_terminal().str());
    require(bare.has_value() && bare->name() == i->name() && bare->address() == i->address() &&
            !bare->terminal());
    require(i->is_user() != i->is_group());
    require(i->type() == dimp::entity_type_of(i->address().network()));
}

void write_seeds() {
    const char* out = std::getenv("E2EKIT_FUZZ_SEEDS_OUT");
    if (!out) return;
    std::filesystem::create_directories(out);
    std::size_t n = 0;
    auto put = [&](const std::string& name, std::string_view data) {
        std::ofstream f(std::filesystem::path(out) / name, std::ios::binary | std::ios::trunc);
        f.write(data.data(), static_cast<std::streamsize>(data.size()));
        require(static_cast<bool>(f));
        ++n;
    };
    const bytes fingerprint(71, 0x5a);
    for (int network : {0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x10, 0x30, 0x76, 0x88, 0xC8}) {
        const auto a = dimp::address::btc(fingerprint, static_cast<std::uint8_t>(network));
        const std::string tag = std::to_string(network);
        put("btc_" + tag, a.str());
        put("id_" + tag, "moky@" + a.str());
        put("id_terminal_" + tag, "moky@" + a.str() + "/phone-1");
    }
    bytes point(65, 0x11);
    point[0] = 0x04;
    const auto eth = dimp::address::eth(point).value();
    put("eth_checksummed", eth.str());
    put("eth_lower", "0x" + folded(eth.str().substr(2)));
    std::string wrong = eth.str();
    for (char& c : wrong)
        if (c >= 'a' && c <= 'f') {
            c = static_cast<char>(c - 'a' + 'A');
            break;
        }
    put("eth_bad_checksum", wrong);
    put("eth_terminal", eth.str() + "/pc");
    put("anyone", "anyone@anywhere");
    put("everyone", "everyone@everywhere");
    put("anywhere", "AnyWhere");
    put("founder", "moky@anywhere/web");
    const auto a = dimp::address::btc(fingerprint, 0).str();
    std::string bad = a;
    bad.back() = bad.back() == 'z' ? 'y' : 'z';
    put("btc_bad_checksum", bad);
    put("two_at", "a@b@" + a);
    put("two_slash", "a@" + a + "/b/c");
    put("empty_name", "@" + a);
    put("empty_terminal", "a@" + a + "/");
    put("not_base58", "a@" + a.substr(0, a.size() - 1) + "0");
    put("too_long", std::string(600, 'x') + "@" + a);
    put("empty", "");
    std::printf("wrote %zu seeds to %s\n", n, out);
    std::exit(0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    write_seeds();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_address(text);
    check_id(text);
    return 0;
}
