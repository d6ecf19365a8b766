// The codec layer: text encodings (base64, hex, base58), the protobuf wire
// format, JSON (bounded parsing, Matrix canonical form), and struct
// descriptions from which protobuf and JSON forms are generated.
#ifndef E2EKIT_CODEC_HPP
#define E2EKIT_CODEC_HPP

#include <e2ekit/codec/base58.hpp>
#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/error.hpp>
#include <e2ekit/codec/hex.hpp>
#include <e2ekit/codec/json.hpp>
#include <e2ekit/codec/json_message.hpp>
#include <e2ekit/codec/protobuf.hpp>
#include <e2ekit/codec/protobuf_message.hpp>

#endif
