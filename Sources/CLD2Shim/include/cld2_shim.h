#ifndef WINNOW_CLD2_SHIM_H
#define WINNOW_CLD2_SHIM_H
#ifdef __cplusplus
extern "C" {
#endif

/// CLD2's verdict on a UTF-8 plain text: the top language's code (CLD2's own codes: ISO 639-1
/// where one exists, "un" when unknown), the share of the text's bytes in it (0-100), and CLD2's
/// reliability flag. `text` must be valid UTF-8 (CLD2 reads past malformed sequences otherwise).
typedef struct {
    const char *code;
    int percent;
    double normalized_score;
    int reliable;
    int text_bytes;
} winnow_cld2_result;

winnow_cld2_result winnow_cld2_detect(const char *text, int length);

#ifdef __cplusplus
}
#endif
#endif
