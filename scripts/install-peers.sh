#!/usr/bin/env bash
# Installs the independent SMTP peers the interop tests, reliability tests and benchmarks run
# against: Postfix (smtp-sink/smtp-source, and its smtpd run as a private instance by the interop
# suite, with sasl2-bin for its AUTH), swaks (+ libdigest-hmac-perl for CRAM-MD5), msmtp, curl,
# Python's aiosmtpd (+uvloop) and openssl from Debian. Idempotent: does nothing when everything
# is present.
# (The Node peers — smtp-server, nodemailer, Haraka — are workspace devDependencies.)
set -euo pipefail
packages=(postfix sasl2-bin swaks libdigest-hmac-perl msmtp curl python3-aiosmtpd python3-uvloop openssl)
need=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-peers: missing ${need[*]}; run as root (or install them with apt) first" >&2
    exit 1
  fi
  # Leave the system's Postfix unconfigured (and not running): the tests run private instances.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  echo "installing SMTP peers: ${need[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
