// PEM armour (RFC 7468) read leniently and written strictly, for keys that
// travel as text (DIMP puts PEM strings inside JSON). Reading accepts what
// deployed peers send: any whitespace or none (keys on one line, CRLF,
// indentation), text around the block, several blocks of which one has the
// wanted label (DIMP clients store the private and public block together),
// missing final newline, and a bare base64 body with no armour at all.
// Encrypted PEM (RFC 1421 headers) is refused. The base64 is decoded with
// libsodium in constant time, because private keys come through here.
#ifndef E2EKIT_CRYPTO_DETAIL_EVP_PEM_HPP
#define E2EKIT_CRYPTO_DETAIL_EVP_PEM_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/detail/sodium.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/error.hpp>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace e2ekit::crypto::detail::evp {

/// A PEM body, decoded, and the label it came under ("" when bare base64).
struct pem_contents {
    std::string_view label;
    secret_bytes der;
};

inline constexpr std::string_view pem_dashes = "-----";
inline constexpr const char* pem_whitespace = " \t\r\n\v\f";

/// Decodes whitespace-tolerant standard base64 (padded or not) in constant
/// time with respect to the data.
inline result<secret_bytes> decode_base64_ct(std::string_view body) {
    // libsodium takes bytes >= 0x80 for digits (see ct::has_high_bit).
    if (ct::has_high_bit(body)) return crypto_error::invalid_key;
    ::e2ekit::detail::ensure_sodium();
    secret_bytes out(body.size() / 4 * 3 + 3);
    for (int variant :
         {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING}) {
        std::size_t n = 0;
        const char* end = nullptr;
        if (sodium_base642bin(out.data(), out.size(), body.data(), body.size(), pem_whitespace, &n,
                              &end, variant) == 0 &&
            end == body.data() + body.size()) {
            out.resize(n);
            return out;
        }
    }
    return crypto_error::invalid_key;
}

/// Finds the first block whose label is one of `labels` and decodes it.
/// Text with no "-----BEGIN " at all is read as a bare base64 body.
inline result<pem_contents> read_pem(std::string_view text,
                                     std::initializer_list<std::string_view> labels) {
    constexpr std::string_view begin_mark = "-----BEGIN ";
    constexpr std::string_view end_mark = "-----END ";
    if (text.find(begin_mark) == std::string_view::npos) {
        if (text.find_first_not_of(pem_whitespace) == std::string_view::npos)
            return crypto_error::invalid_key;
        E2EKIT_TRY(der, decode_base64_ct(text));
        return pem_contents{{}, std::move(der)};
    }
    bool saw_other_label = false;
    for (std::size_t at = text.find(begin_mark); at != std::string_view::npos;
         at = text.find(begin_mark, at + 1)) {
        const std::size_t label_at = at + begin_mark.size();
        const std::size_t label_end = text.find(pem_dashes, label_at);
        if (label_end == std::string_view::npos) break;
        const std::string_view label = text.substr(label_at, label_end - label_at);
        bool wanted = false;
        for (auto l : labels)
            wanted = wanted || l == label;
        if (!wanted) {
            saw_other_label = true;
            continue;
        }
        const std::size_t body_at = label_end + pem_dashes.size();
        std::string closing;
        closing.append(end_mark).append(label).append(pem_dashes);
        const std::size_t body_end = text.find(closing, body_at);
        if (body_end == std::string_view::npos) return crypto_error::invalid_key;
        const std::string_view body = text.substr(body_at, body_end - body_at);
        // "Proc-Type: 4,ENCRYPTED" / "DEK-Info:" (RFC 1421 §4.6): an
        // encrypted key, which e2ekit does not decrypt.
        if (body.find(':') != std::string_view::npos) return crypto_error::unsupported;
        E2EKIT_TRY(der, decode_base64_ct(body));
        if (der.empty()) return crypto_error::invalid_key;
        return pem_contents{label, std::move(der)};
    }
    return saw_other_label ? crypto_error::unsupported : crypto_error::invalid_key;
}

/// RFC 7468 §2 armour: 64-character lines, a final newline. Base64 through
/// libsodium (constant time), so the same writer serves private keys.
template <class Out>
Out write_pem(std::string_view label, bytes_view der) {
    ::e2ekit::detail::ensure_sodium();
    const std::size_t b64_len =
        sodium_base64_encoded_len(der.size(), sodium_base64_VARIANT_ORIGINAL); // with NUL
    secret_bytes b64(b64_len);
    sodium_bin2base64(reinterpret_cast<char*>(b64.data()), b64_len, der.data(), der.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    const std::size_t chars = b64_len - 1;
    Out out;
    auto put = [&](std::string_view s) {
        const auto b = as_bytes(s);
        out.append(b);
    };
    put("-----BEGIN ");
    put(label);
    put("-----\n");
    for (std::size_t i = 0; i < chars; i += 64) {
        out.append(b64.view().subspan(i, std::min<std::size_t>(64, chars - i)));
        put("\n");
    }
    put("-----END ");
    put(label);
    put("-----\n");
    return out;
}

/// A growable public text buffer with the `append(bytes_view)` write_pem uses.
struct pem_string {
    std::string s;
    void append(bytes_view b) { s.append(as_chars(b)); }
};

} // namespace e2ekit::crypto::detail::evp

#endif
