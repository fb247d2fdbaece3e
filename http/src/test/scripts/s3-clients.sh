#!/usr/bin/env bash
# Runs the stock S3 clients (aws cli, s3cmd, rclone) with their default settings against a
# running cluster, through the S3-compatible API: make a bucket, upload, list with a prefix and a
# delimiter (small files and 20 MiB ones, which the clients send as multipart uploads), download
# whole and by range, presign a URL and fetch it with curl, delete. Every
# download's SHA-256 must equal the upload's. Needs a cluster (`./cess up`) and the clients
# installed (`apt-get install awscli s3cmd rclone`); a client that is not installed is skipped.
#
#   http/src/test/scripts/s3-clients.sh [http://127.0.0.1:8081]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
URL="${1:-http://127.0.0.1:8081}"
HOSTPORT="${URL#http://}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
unset AWS_CA_BUNDLE # rclone refuses to start when it names a bundle it cannot load

step() { printf '\n== %s\n' "$*"; }
same() { # file file what
  local a b
  a="$(sha256sum < "$1" | cut -d' ' -f1)"; b="$(sha256sum < "$2" | cut -d' ' -f1)"
  [[ "$a" == "$b" ]] || { echo "FAIL: $3: sha256 $a != $b"; exit 1; }
  echo "ok: $3 (sha256 ${a:0:16}...)"
}

step "account and access key"
"$ROOT/cess" account create --file "$WORK/account.key" --url "$URL" > /dev/null
"$ROOT/cess" keys create --file "$WORK/account.key" --url "$URL" > "$WORK/keys.out"
AK="$(awk '/access key id/{print $4}' "$WORK/keys.out")"
SK="$(awk '/secret access key/{print $4}' "$WORK/keys.out")"
[[ -n "$AK" && -n "$SK" ]] || { echo "FAIL: no access key minted"; cat "$WORK/keys.out"; exit 1; }
echo "access key $AK"
head -c 3145728 /dev/urandom > "$WORK/small.bin"
head -c 1 /dev/urandom > "$WORK/one.bin"
head -c 20971520 /dev/urandom > "$WORK/large.bin" # above the aws cli's and s3cmd's multipart thresholds
RUN="$(date +%s)-$$"

if command -v aws > /dev/null; then
  step "aws cli ($(aws --version 2>&1 | cut -d' ' -f1))"
  export AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" AWS_DEFAULT_REGION=us-east-1
  A=(aws --endpoint-url "$URL")
  B="aws-$RUN"
  "${A[@]}" s3 mb "s3://$B"
  "${A[@]}" s3 cp --no-progress "$WORK/small.bin" "s3://$B/dir/small.bin"
  "${A[@]}" s3 cp --no-progress "$WORK/one.bin" "s3://$B/one.bin"
  "${A[@]}" s3 cp --no-progress "$WORK/large.bin" "s3://$B/large.bin"
  "${A[@]}" s3 cp --no-progress "s3://$B/large.bin" "$WORK/aws-large.back"
  same "$WORK/large.bin" "$WORK/aws-large.back" "aws s3 cp multipart round trip"
  "${A[@]}" s3 ls "s3://$B/" | tee "$WORK/ls.txt"
  grep -q 'PRE dir/' "$WORK/ls.txt" && grep -q 'one.bin' "$WORK/ls.txt" || { echo "FAIL: listing"; exit 1; }
  "${A[@]}" s3 ls "s3://$B/dir/" | grep -q 'small.bin' || { echo "FAIL: prefix listing"; exit 1; }
  "${A[@]}" s3 cp --no-progress "s3://$B/dir/small.bin" "$WORK/aws.back"
  same "$WORK/small.bin" "$WORK/aws.back" "aws s3 cp round trip"
  "${A[@]}" s3api get-object --bucket "$B" --key dir/small.bin --range bytes=1000-1999 "$WORK/range.bin" > /dev/null
  dd if="$WORK/small.bin" of="$WORK/range.expected" bs=1000 skip=1 count=1 status=none
  same "$WORK/range.expected" "$WORK/range.bin" "aws s3api get-object --range"
  curl -fsS -o "$WORK/presigned.bin" "$("${A[@]}" s3 presign "s3://$B/dir/small.bin" --expires-in 300)"
  same "$WORK/small.bin" "$WORK/presigned.bin" "presigned URL fetched with curl"
  "${A[@]}" s3 rm "s3://$B/dir/small.bin"
  "${A[@]}" s3 rm "s3://$B/one.bin"
  "${A[@]}" s3 rm "s3://$B/large.bin"
  "${A[@]}" s3 rb "s3://$B"
fi

if command -v s3cmd > /dev/null; then
  step "s3cmd ($(s3cmd --version))"
  cat > "$WORK/s3cfg" <<CFG
[default]
access_key = $AK
secret_key = $SK
host_base = $HOSTPORT
host_bucket = $HOSTPORT
use_https = False
bucket_location = us-east-1
CFG
  S=(s3cmd -c "$WORK/s3cfg")
  B="s3cmd-$RUN"
  "${S[@]}" mb "s3://$B"
  "${S[@]}" put "$WORK/small.bin" "s3://$B/a/small.bin"
  "${S[@]}" ls "s3://$B/" | grep -q 'DIR.*a/' || { echo "FAIL: s3cmd listing"; exit 1; }
  "${S[@]}" get --force "s3://$B/a/small.bin" "$WORK/s3cmd.back"
  same "$WORK/small.bin" "$WORK/s3cmd.back" "s3cmd round trip"
  "${S[@]}" put "$WORK/large.bin" "s3://$B/large.bin"
  "${S[@]}" get --force "s3://$B/large.bin" "$WORK/s3cmd-large.back"
  same "$WORK/large.bin" "$WORK/s3cmd-large.back" "s3cmd multipart round trip"
  "${S[@]}" del "s3://$B/large.bin"
  "${S[@]}" del "s3://$B/a/small.bin"
  "${S[@]}" rb "s3://$B"
fi

if command -v rclone > /dev/null; then
  step "rclone ($(rclone version 2>/dev/null | head -1))"
  export RCLONE_CONFIG_CESS_TYPE=s3 RCLONE_CONFIG_CESS_PROVIDER=Other RCLONE_CONFIG_CESS_ENDPOINT="$URL" \
    RCLONE_CONFIG_CESS_ACCESS_KEY_ID="$AK" RCLONE_CONFIG_CESS_SECRET_ACCESS_KEY="$SK" RCLONE_CONFIG_CESS_REGION=us-east-1
  R=(rclone --config /dev/null)
  B="rclone-$RUN"
  "${R[@]}" mkdir "cess:$B"
  "${R[@]}" copyto "$WORK/small.bin" "cess:$B/x/small.bin"
  "${R[@]}" ls "cess:$B" | grep -q 'x/small.bin' || { echo "FAIL: rclone listing"; exit 1; }
  "${R[@]}" copyto "cess:$B/x/small.bin" "$WORK/rclone.back"
  same "$WORK/small.bin" "$WORK/rclone.back" "rclone round trip"
  "${R[@]}" deletefile "cess:$B/x/small.bin"
  "${R[@]}" rmdir "cess:$B"
fi

step "all clients passed"
