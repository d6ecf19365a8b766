// Reading DIMP's JSON maps as deployed clients write them: a field may go by
// its long name or its one-letter short name (sdk-py
// dimsdk/core/compress_keys.py), and a `type` may be a decimal string or an
// integer. Both names present at once is a conflict the reference asserts
// against; here it is `duplicate_field`.
#ifndef E2EKIT_PROTOCOLS_DIMP_DETAIL_FIELDS_HPP
#define E2EKIT_PROTOCOLS_DIMP_DETAIL_FIELDS_HPP

#include <e2ekit/codec/error.hpp>
#include <e2ekit/codec/json.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/result.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace e2ekit::protocols::dimp::detail {

/// The member under `name`, or else under `short_name` (when given); null
/// when neither is there. `duplicate_field` when both are.
inline result<const nlohmann::json*> member(const nlohmann::json& obj, std::string_view name,
                                            std::string_view short_name = {}) {
    if (!obj.is_object()) return codec::decode_error::unexpected_type;
    const nlohmann::json* a = codec::json::find(obj, name);
    const nlohmann::json* b = short_name.empty() ? nullptr : codec::json::find(obj, short_name);
    if (a && b) return codec::decode_error::duplicate_field;
    return a ? a : b;
}

/// A string member (`missing_field`, `unexpected_type` otherwise).
inline result<std::string_view> string_field(const nlohmann::json& obj, std::string_view name,
                                             std::string_view short_name = {}) {
    E2EKIT_TRY(m, member(obj, name, short_name));
    if (!m) return codec::decode_error::missing_field;
    if (!m->is_string()) return codec::decode_error::unexpected_type;
    return std::string_view(m->get_ref<const std::string&>());
}

/// A string member that may be absent (empty view then); null counts as
/// absent, as Python's `dict.get` sees it.
inline result<std::string_view> optional_string_field(const nlohmann::json& obj,
                                                      std::string_view name,
                                                      std::string_view short_name = {}) {
    E2EKIT_TRY(m, member(obj, name, short_name));
    if (!m || m->is_null()) return std::string_view{};
    if (!m->is_string()) return codec::decode_error::unexpected_type;
    return std::string_view(m->get_ref<const std::string&>());
}

/// A `type` written as a decimal string ("1", "136") or an integer (1,
/// 136); the decimal string either way. Integers are non-negative and
/// below 2^32.
inline result<std::string> type_field(const nlohmann::json& obj, std::string_view name,
                                      std::string_view short_name = {}) {
    E2EKIT_TRY(m, member(obj, name, short_name));
    if (!m) return codec::decode_error::missing_field;
    if (m->is_string()) return m->get<std::string>();
    if (m->is_number_unsigned() || m->is_number_integer()) {
        const auto v = m->get<std::int64_t>();
        if (v < 0 || v > 0xffffffffLL) return codec::decode_error::out_of_range;
        return std::to_string(v);
    }
    return codec::decode_error::unexpected_type;
}

/// A flag as the reference's Converter.get_bool reads it: true/false, 1/0,
/// "true"/"false"/"1"/"0"/"yes"/"no"; absent is `fallback`.
inline result<bool> bool_field(const nlohmann::json& obj, std::string_view name, bool fallback) {
    E2EKIT_TRY(m, member(obj, name));
    if (!m || m->is_null()) return fallback;
    if (m->is_boolean()) return m->get<bool>();
    if (m->is_number_integer() || m->is_number_unsigned()) {
        const auto v = m->get<std::int64_t>();
        if (v == 0 || v == 1) return v == 1;
        return codec::decode_error::out_of_range;
    }
    if (m->is_string()) {
        const auto& s = m->get_ref<const std::string&>();
        if (s == "true" || s == "1" || s == "yes") return true;
        if (s == "false" || s == "0" || s == "no" || s.empty()) return false;
    }
    return codec::decode_error::unexpected_type;
}

/// A time in seconds: a JSON number (float or integer); absent is nullopt.
inline result<std::optional<double>> time_field(const nlohmann::json& obj, std::string_view name,
                                                std::string_view short_name = {}) {
    E2EKIT_TRY(m, member(obj, name, short_name));
    if (!m || m->is_null()) return std::optional<double>{};
    if (!m->is_number()) return codec::decode_error::unexpected_type;
    const double t = m->get<double>();
    if (!(t >= 0)) return codec::decode_error::out_of_range;
    return std::optional<double>(t);
}

/// Overwrites every string in a parsed map before it is freed, for maps a
/// key passed through as text (base64, hex or PEM).
inline void wipe_strings(nlohmann::json& j) noexcept {
    if (j.is_string()) {
        auto& s = j.get_ref<std::string&>();
        ct::wipe(s.data(), s.size());
    } else if (j.is_structured()) {
        for (auto& e : j)
            wipe_strings(e);
    }
}

} // namespace e2ekit::protocols::dimp::detail

#endif
