// The few libxeddsa 2.x functions e2ekit calls, declared here because
// Debian's <xeddsa.h> includes <cross_platform.h>, which libxeddsa-dev does
// not ship. The signatures are those of libxeddsa 2.0's xeddsa.h (the
// INTERFACE macro there only sets visibility/calling convention, which is
// the default on the platforms we build for). Linked through the CMake
// target e2ekit_dep::xeddsa.
#ifndef E2EKIT_CRYPTO_DETAIL_XEDDSA_GLUE_HPP
#define E2EKIT_CRYPTO_DETAIL_XEDDSA_GLUE_HPP

#include <cstdint>
#include <stdexcept>

extern "C" {
/// sig = XEdDSA-style Ed25519 signature with the Ed25519 private scalar
/// `priv` (already sign-forced), r = hash_1(priv ‖ msg ‖ nonce) with a
/// 64-byte random nonce (XEdDSA §2.4, §3.3).
void ed25519_priv_sign(std::uint8_t* sig, const std::uint8_t* priv, const std::uint8_t* msg,
                       std::uint32_t msg_size, const std::uint8_t* nonce);
/// The Ed25519 point y = (u - 1) / (u + 1) of the Montgomery u-coordinate,
/// with the given sign bit (XEdDSA §2.5 convert_mont when set_sign_bit is false).
void curve25519_pub_to_ed25519_pub(std::uint8_t* ed25519_pub, const std::uint8_t* curve25519_pub,
                                   bool set_sign_bit);
/// Clamps `priv_in`, then negates it mod q if needed so that its Ed25519
/// public key has the requested sign bit (XEdDSA §2.3 calculate_key_pair).
void priv_force_sign(std::uint8_t* priv_out, const std::uint8_t* priv_in, bool set_sign_bit);
/// The Ed25519 public key A = aB of the clamped scalar, its sign bit as it falls.
void priv_to_ed25519_pub(std::uint8_t* ed25519_pub, const std::uint8_t* priv);
int xeddsa_init();
}

namespace e2ekit::crypto::detail {

/// libxeddsa asks for xeddsa_init() (which initialises libsodium) before
/// its first use; once per process.
inline void ensure_xeddsa() {
    static const bool ready = [] {
        if (xeddsa_init() < 0) throw std::runtime_error("e2ekit: libxeddsa failed to initialise");
        return true;
    }();
    (void)ready;
}

} // namespace e2ekit::crypto::detail

#endif
