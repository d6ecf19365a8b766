// The room-key export file of the Matrix client-server spec ("Key exports"):
// what Element's "Export E2E room keys" writes and reads.
//
//   -----BEGIN MEGOLM SESSION DATA-----
//   base64( 0x01 ‖ salt 16 ‖ IV 16 ‖ rounds u32 BE ‖ AES-256-CTR(JSON) ‖
//           HMAC-SHA-256 32 over everything before it )
//   -----END MEGOLM SESSION DATA-----
//
// The AES key and the HMAC key are PBKDF2-HMAC-SHA-512(passphrase, salt,
// rounds), 64 bytes, in that order. Bit 63 of the IV is cleared so the
// 64-bit counter half never carries into the nonce half (the spec says so,
// for implementations with 64-bit counters). The JSON (a list of exported
// sessions) is the caller's: `export_keys` encrypts bytes and `import_keys`
// hands them back, after the MAC, in wiped memory.
#ifndef E2EKIT_PROTOCOLS_MATRIX_KEY_EXPORT_HPP
#define E2EKIT_PROTOCOLS_MATRIX_KEY_EXPORT_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/aes_ctr.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/crypto/pbkdf2.hpp>
#include <e2ekit/protocols/matrix/error.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace e2ekit::protocols::matrix {

namespace key_export {
inline constexpr std::string_view header = "-----BEGIN MEGOLM SESSION DATA-----";
inline constexpr std::string_view footer = "-----END MEGOLM SESSION DATA-----";
inline constexpr byte version = 0x01;
/// Element's default; fewer make a brute-forced passphrase cheaper.
inline constexpr std::uint32_t default_rounds = 500000;
/// Above this a file costs an importer more than a minute of PBKDF2.
inline constexpr std::uint32_t max_rounds = 10000000;
inline constexpr std::size_t max_file_chars = std::size_t{64} << 20;
inline constexpr std::size_t overhead = 1 + 16 + 16 + 4 + 32;
/// Characters of base64 per line (as Element writes them).
inline constexpr std::size_t line_chars = 128;
} // namespace key_export

namespace detail {
struct export_keys_tag;
inline result<secret<64, export_keys_tag>> export_keys_for(std::string_view passphrase,
                                                           bytes_view salt, std::uint32_t rounds) {
    auto k = crypto::pbkdf2_sha512::derive<64, export_keys_tag>(as_bytes(passphrase), salt, rounds);
    if (!k) return matrix_error::malformed;
    return std::move(*k);
}
} // namespace detail

/// The export file for `json` under `passphrase`, with salt and IV from `rng`.
template <random_source R>
result<std::string> export_keys(bytes_view json, std::string_view passphrase, R& rng,
                                std::uint32_t rounds = key_export::default_rounds) {
    if (rounds == 0 || rounds > key_export::max_rounds) return matrix_error::too_large;
    bytes body(key_export::overhead - 32 + json.size());
    byte* p = body.data();
    *p++ = key_export::version;
    rng.fill(mutable_bytes_view(p, 32)); // salt, then IV
    p[16 + 8] &= 0x7f;                   // bit 63 of the IV
    const bytes_view salt(p, 16);
    const fixed_view<16> iv(p + 16, 16);
    p += 32;
    for (int s = 24; s >= 0; s -= 8)
        *p++ = static_cast<byte>(rounds >> s);
    E2EKIT_TRY(keys, detail::export_keys_for(passphrase, salt, rounds));
    crypto::aes_256_ctr::apply(mutable_bytes_view(p, json.size()), keys.view().template first<32>(),
                               iv, json);
    crypto::hmac_sha256::tag mac;
    crypto::hmac_sha256::compute(mac, keys.view().template last<32>(), body);
    body.insert(body.end(), mac.begin(), mac.end());
    const std::string b64 = codec::base64::encode<codec::base64::standard>(body);
    std::string out(key_export::header);
    out += '\n';
    for (std::size_t i = 0; i < b64.size(); i += key_export::line_chars) {
        out.append(b64, i, key_export::line_chars);
        out += '\n';
    }
    out += key_export::footer;
    out += '\n';
    return out;
}

/// The JSON of an export file: `malformed` for a file that is not one,
/// `unsupported_version`, `authentication_failed` for a wrong passphrase or
/// a damaged file, `too_large` for rounds beyond `max_rounds` (a caller
/// that must stay responsive passes its own bound).
inline result<secret_bytes> import_keys(std::string_view file, std::string_view passphrase,
                                        std::uint32_t max_rounds = key_export::max_rounds) {
    if (file.size() > key_export::max_file_chars) return matrix_error::too_large;
    const auto begin = file.find(key_export::header);
    const auto end = file.find(key_export::footer);
    if (begin == std::string_view::npos || end == std::string_view::npos || end < begin)
        return matrix_error::malformed;
    std::string b64;
    for (char c :
         file.substr(begin + key_export::header.size(), end - begin - key_export::header.size()))
        if (c != '\n' && c != '\r' && c != ' ' && c != '\t') b64 += c;
    auto raw = codec::base64::decode<codec::base64::standard_optional_padding>(b64);
    if (!raw) return matrix_error::malformed;
    const bytes& d = *raw;
    if (d.size() < key_export::overhead) return matrix_error::malformed;
    if (d[0] != key_export::version) return matrix_error::unsupported_version;
    const std::uint32_t rounds = static_cast<std::uint32_t>(d[33]) << 24 |
                                 static_cast<std::uint32_t>(d[34]) << 16 |
                                 static_cast<std::uint32_t>(d[35]) << 8 | d[36];
    if (rounds == 0) return matrix_error::malformed;
    if (rounds > max_rounds) return matrix_error::too_large;
    E2EKIT_TRY(keys, detail::export_keys_for(passphrase, bytes_view(d).subspan(1, 16), rounds));
    const bytes_view body = bytes_view(d).first(d.size() - 32);
    if (!crypto::hmac_sha256::verify(keys.view().template last<32>(), bytes_view(d).last(32), body))
        return matrix_error::authentication_failed;
    const bytes_view ct = body.subspan(37);
    secret_bytes json(ct.size());
    crypto::aes_256_ctr::apply(json.mutable_view(), keys.view().template first<32>(),
                               fixed_view<16>(d.data() + 17, 16), ct);
    return json;
}

} // namespace e2ekit::protocols::matrix

#endif
