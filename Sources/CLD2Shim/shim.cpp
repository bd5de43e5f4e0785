// The one C++ file of Winnow: CLD2's detector behind a C function Swift can call.
#include <cstdio>  // compact_lang_det.h uses FILE without including it
#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>
#include "cld2_shim.h"

extern "C" winnow_cld2_result winnow_cld2_detect(const char *text, int length) {
    CLD2::Language language3[3];
    int percent3[3] = {0, 0, 0};
    double normalized3[3] = {0, 0, 0};
    int text_bytes = 0;
    bool reliable = false;
    CLD2::Language top = CLD2::ExtDetectLanguageSummary(
        text, length, /*is_plain_text=*/true, /*tld_hint=*/nullptr, /*encoding_hint=*/CLD2::UNKNOWN_ENCODING,
        CLD2::UNKNOWN_LANGUAGE, language3, percent3, normalized3, &text_bytes, &reliable);
    winnow_cld2_result r;
    r.code = CLD2::LanguageCode(top);
    r.percent = top == language3[0] ? percent3[0] : 0;
    r.normalized_score = top == language3[0] ? normalized3[0] : 0;
    r.reliable = reliable ? 1 : 0;
    r.text_bytes = text_bytes;
    return r;
}
