#!/bin/sh
# Regenerates the seed corpora of fuzz/pem_key and fuzz/der_key with the
# openssl command-line tool: throw-away test keys in every form e2ekit
# reads, plus malformed variants. Run from anywhere; overwrites the seeds.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pem="$here/corpus"
der="$here/../der_key/corpus"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$pem" "$der"

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$tmp/rsa.pem" 2>/dev/null
openssl pkey -in "$tmp/rsa.pem" -traditional -out "$pem/rsa_private_pkcs1.pem"
cp "$tmp/rsa.pem" "$pem/rsa_private_pkcs8.pem"
openssl pkey -in "$tmp/rsa.pem" -pubout -out "$pem/rsa_public_spki.pem"
openssl rsa -in "$tmp/rsa.pem" -RSAPublicKey_out -out "$pem/rsa_public_pkcs1.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 -out "$pem/ec_private_pkcs8.pem"
openssl pkey -in "$pem/ec_private_pkcs8.pem" -traditional -out "$pem/ec_private_sec1.pem"
openssl pkey -in "$pem/ec_private_pkcs8.pem" -pubout -out "$pem/ec_public_spki.pem"
openssl pkey -in "$pem/ec_private_pkcs8.pem" -pubout -outform DER \
    -ec_conv_form compressed -out "$tmp/ec_c.der" 2>/dev/null || true

# Lenient forms: one line, no final newline, bare base64, two blocks.
tr -d '\n' < "$pem/rsa_public_spki.pem" > "$pem/rsa_public_one_line.pem"
grep -v -- '-----' "$pem/rsa_public_spki.pem" > "$pem/rsa_public_bare.b64"
cat "$pem/rsa_private_pkcs1.pem" "$pem/rsa_public_spki.pem" > "$pem/rsa_both_blocks.pem"
# Malformed: truncated body, encrypted header, wrong label, empty armour.
head -c 200 "$pem/rsa_public_spki.pem" > "$pem/bad_truncated.pem"
printf -- '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n' > "$pem/bad_encrypted.pem"
sed 's/PUBLIC KEY/CERTIFICATE/' "$pem/rsa_public_spki.pem" > "$pem/bad_label.pem"
printf -- '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n' > "$pem/bad_empty.pem"
printf 'not a key' > "$pem/bad_text.pem"

for f in rsa_private_pkcs1 rsa_private_pkcs8 rsa_public_spki rsa_public_pkcs1 \
         ec_private_pkcs8 ec_private_sec1 ec_public_spki; do
    grep -v -- '-----' "$pem/$f.pem" | base64 -d > "$der/$f.der"
done
[ -s "$tmp/ec_c.der" ] && cp "$tmp/ec_c.der" "$der/ec_public_spki_compressed.der"
# A raw uncompressed point (the last 65 bytes of the SPKI) and malformed DER.
tail -c 65 "$der/ec_public_spki.der" > "$der/ec_point_uncompressed.bin"
head -c 100 "$der/rsa_public_spki.der" > "$der/bad_truncated.der"
{ cat "$der/rsa_public_spki.der"; printf '\0'; } > "$der/bad_trailing.der"
printf '\060\200\002\001\001\000\000' > "$der/bad_ber_indefinite.der"
printf '' > "$der/bad_empty.der"
chmod 644 "$pem"/* "$der"/*
