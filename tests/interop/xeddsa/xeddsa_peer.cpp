// One side of the XEdDSA interop tests: reads commands from stdin, one per
// line, hex arguments, and answers one line each.
//
//   pub <priv>                     -> the X25519 / XEdDSA public key
//   sign <priv> <msg>              -> e2ekit's XEdDSA signature
//   verify <pub> <msg> <sig>       -> ok | fail   (xeddsa::verify)
//   verify_legacy <pub> <msg> <sig>-> ok | fail   (xeddsa::verify_signal_legacy)
//   lsc_sign <priv> <msg>          -> libsignal-protocol-c curve25519_sign
//   lsc_verify <pub> <msg> <sig>   -> ok | fail   (libsignal-protocol-c curve25519_verify)
//   has_libsignal                  -> yes | no
#include <e2ekit/crypto/xeddsa.hpp>

#include <e2ekit/core/random.hpp>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

#if defined(E2EKIT_HAVE_LIBSIGNAL_PROTOCOL_C)
// Exported by libsignal-protocol-c.so 2.3.3 (src/curve25519/ed25519/
// additions/curve_sigs.h), which its public headers do not declare.
extern "C" {
int curve25519_sign(unsigned char* signature_out, const unsigned char* curve25519_privkey,
                    const unsigned char* msg, unsigned long msg_len, const unsigned char* random);
int curve25519_verify(const unsigned char* signature, const unsigned char* curve25519_pubkey,
                      const unsigned char* msg, unsigned long msg_len);
}
#endif

using namespace e2ekit;
using namespace e2ekit::crypto;

namespace {

bytes unhex(const std::string& s) {
    if (s == "-") return {}; // an empty message
    bytes out;
    if (s.size() % 2) throw std::invalid_argument("odd hex");
    for (std::size_t i = 0; i < s.size(); i += 2)
        out.push_back(static_cast<byte>(std::stoul(s.substr(i, 2), nullptr, 16)));
    return out;
}

std::string hex(bytes_view b) {
    static constexpr char d[] = "0123456789abcdef";
    std::string s;
    for (byte c : b) {
        s += d[c >> 4];
        s += d[c & 15];
    }
    return s;
}

template <std::size_t N>
byte_array<N> fixed(const bytes& b) {
    if (b.size() != N) throw std::invalid_argument("wrong key size");
    byte_array<N> a;
    std::copy(b.begin(), b.end(), a.begin());
    return a;
}

xeddsa::signing_key private_key(const std::string& h) {
    const auto b = fixed<32>(unhex(h));
    return xeddsa::signing_key(b);
}

std::string answer(const std::string& line) {
    std::istringstream in(line);
    std::string cmd, a, b, c;
    in >> cmd >> a >> b >> c;
    if (cmd == "pub") return hex(xeddsa::public_from_private(private_key(a)));
    if (cmd == "sign") return hex(xeddsa::sign(private_key(a), unhex(b)));
    if (cmd == "verify")
        return xeddsa::verify(fixed<32>(unhex(a)), unhex(b), unhex(c)) ? "ok" : "fail";
    if (cmd == "verify_legacy")
        return xeddsa::verify_signal_legacy(fixed<32>(unhex(a)), unhex(b), unhex(c)) ? "ok"
                                                                                     : "fail";
#if defined(E2EKIT_HAVE_LIBSIGNAL_PROTOCOL_C)
    if (cmd == "has_libsignal") return "yes";
    if (cmd == "lsc_sign") {
        // libsignal-protocol-c keeps its private keys clamped
        // (curve_generate_private_key); its signer expects that.
        auto k = private_key(a);
        x25519::clamp(k.mutable_view());
        const bytes msg = unhex(b);
        byte_array<64> random;
        system_random().fill(random);
        byte_array<64> sig;
        if (curve25519_sign(sig.data(), k.data(), msg.data(), msg.size(), random.data()) != 0)
            return "error";
        return hex(sig);
    }
    if (cmd == "lsc_verify") {
        const auto pub = fixed<32>(unhex(a));
        const bytes msg = unhex(b);
        const auto sig = fixed<64>(unhex(c));
        return curve25519_verify(sig.data(), pub.data(), msg.data(), msg.size()) == 0 ? "ok"
                                                                                      : "fail";
    }
#else
    if (cmd == "has_libsignal") return "no";
#endif
    return "error unknown command";
}

} // namespace

int main() {
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.empty()) continue;
        try {
            std::cout << answer(line) << '\n' << std::flush;
        } catch (const std::exception& e) {
            std::cout << "error " << e.what() << '\n' << std::flush;
        }
    }
    return 0;
}
