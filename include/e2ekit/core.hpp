// The core layer: bytes, secrets, results and errors, random sources.
#ifndef E2EKIT_CORE_HPP
#define E2EKIT_CORE_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/error.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>

#endif
