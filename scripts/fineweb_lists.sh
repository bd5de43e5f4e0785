#!/bin/sh
# FineWeb's URL-filter lists, as datatrove (Apache-2.0) ships them in its wheel on PyPI: UT1's
# adult blacklist (Université Toulouse 1 Capitole, CC BY-SA 4.0: `adult/domains`, `adult/urls`)
# and FineWeb's banned words, banned sub-words and soft-banned words.
#
#   scripts/fineweb_lists.sh [DIR]     (default: lists/fineweb; `make fineweb-lists`)
#
# Pipelines/fineweb.yaml's url_filter stage reads DIR as it is laid out here.
set -eu
DIR=${1:-lists/fineweb}
VERSION=0.6.0
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$WORK" "datatrove==$VERSION"
cd "$WORK"
python3 -m zipfile -e datatrove-$VERSION-py3-none-any.whl wheel >/dev/null
cd - >/dev/null
mkdir -p "$DIR/adult"
tar --no-same-owner -xzf "$WORK"/wheel/datatrove/assets/url_filterblacklists*.tar.gz -C "$DIR/adult" domains urls
for f in banned_words banned_subwords soft_banned_words; do
    cp "$WORK/wheel/datatrove/assets/$f.txt" "$DIR/$f.txt"
done
echo "FineWeb's URL lists (datatrove $VERSION) in $DIR: $(wc -l <"$DIR/adult/domains") domains, $(wc -l <"$DIR/adult/urls") URLs, $(cat "$DIR"/*.txt | wc -l) words"
