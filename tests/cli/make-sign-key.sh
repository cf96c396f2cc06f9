#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make-sign-key.sh KEY CERT [CN]: a module signing key and its self-signed
# certificate (PEM), made as the kernel's certs/Makefile makes
# signing_key.pem from certs/x509.genkey (RSA 2048, digitalSignature, a
# subject key identifier). For tests; the tests' keys live in temp dirs.
set -euo pipefail
key=$1 cert=$2 cn=${3:-Example Vendor module signing key}
cfg=$(mktemp)
trap 'rm -f "$cfg"' EXIT
cat >"$cfg" <<EOF
[ req ]
default_bits = 2048
distinguished_name = req_distinguished_name
prompt = no
string_mask = utf8only
x509_extensions = myexts
[ req_distinguished_name ]
O = Example Vendor
CN = $cn
emailAddress = drivers@example.com
[ myexts ]
basicConstraints=critical,CA:FALSE
keyUsage=digitalSignature
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
openssl req -new -nodes -utf8 -sha256 -days 36500 -batch -x509 -config "$cfg" \
	-outform PEM -out "$cert" -keyout "$key" 2>/dev/null
