#include "ai/lang.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libexttextcat/fingerprint.h>

#include "ai/labels.h"

#define LATIN_LANGS 5 /* en es de fr it: the first five of ai_lang_name() */
#define TEXTCAT_DIR "/usr/share/libexttextcat/"

/* Frequent short words of each language, after normalisation (accents folded). */
static const char *const function_words[LATIN_LANGS] = {
    " the my is it i you to and of not was where what when how can please this for but with "
    "did have still me got thanks thank its im dont didnt an your are no yet just any there ",
    " el la los las mi es no de que y por pero con donde cuando como esto todavia gracias "
    "quiero llego un una me lo hola porfa mis ya nada del se esta muy tengo ",
    " der die das ist nicht ich und mein meine wo wann wie bitte noch kein keine danke ein "
    "eine zu mit habe es hat bei ihr wurde schon auf fur aber nur sie auch mir ",
    " le la les est pas je et mon ma mes ou quand comment svp merci un une de du des que il "
    "c j ai ca vous pour sur rien toujours qu n me moi avec ",
    " il lo la gli le e non mio mia miei dove quando come grazie per ancora un una di che "
    "ho mi sono ma niente del della ciao gia questo con sul ",
};

static const char *const region_langs[][2] = {
    {"us", "en"}, {"uk", "en"}, {"gb", "en"}, {"ca", "en"}, {"au", "en"},
    {"nz", "en"}, {"ie", "en"}, {"es", "es"}, {"mx", "es"}, {"de", "de"},
    {"at", "de"}, {"ch", "de"}, {"fr", "fr"}, {"be", "fr"}, {"lu", "fr"},
    {"it", "it"}, {"cn", "zh"}, {"tw", "zh"}, {"hk", "zh"}};

const char *ai_lang_of_region(const char *region)
{
    for (size_t i = 0; region != NULL && i < sizeof region_langs / sizeof region_langs[0]; i++) {
        if (strcasecmp(region, region_langs[i][0]) == 0)
            return region_langs[i][1];
    }
    return NULL;
}

static void *textcat_fp[LATIN_LANGS];
static bool textcat_ok;
static pthread_once_t textcat_once = PTHREAD_ONCE_INIT;

static void textcat_load(void)
{
    static const char *const files[LATIN_LANGS] = {"en", "es", "de", "fr", "it"};
    textcat_ok = true;
    for (int i = 0; i < LATIN_LANGS; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s%s.lm", TEXTCAT_DIR, files[i]);
        textcat_fp[i] = fp_Init(files[i]);
        if (textcat_fp[i] == NULL || fp_Read(textcat_fp[i], path, 400) == 0)
            textcat_ok = false;
    }
}

bool ai_lang_textcat_ready(void)
{
    pthread_once(&textcat_once, textcat_load);
    return textcat_ok;
}

/* libexttextcat's best language index, or -1 (no fingerprints, too little text, a tie). */
static int lang_textcat(const char *raw, size_t len, const struct ai_tokens *tok)
{
    if (!ai_lang_textcat_ready() || tok->letters < 3)
        return -1;
    void *unknown = fp_Init("message");
    if (unknown == NULL)
        return -1;
    int best = -1;
    if (fp_SetProperty(unknown, TCPROP_UTF8AWARE, TC_TRUE) == 0 &&
        fp_SetProperty(unknown, TCPROP_MINIMUM_DOCUMENT_SIZE, 1) == 0 &&
        fp_Create(unknown, raw, (uint4)len, 400) != 0) {
        sint4 best_score = 0, second = 0;
        for (int i = 0; i < LATIN_LANGS; i++) {
            sint4 s = fp_Compare(textcat_fp[i], unknown, 0x7FFFFFFF);
            if (best < 0 || s < best_score) {
                second = best < 0 ? s : best_score;
                best_score = s;
                best = i;
            } else if (s < second || second == best_score) {
                second = s;
            }
        }
        if (second == best_score)
            best = -1;
    }
    fp_Done(unknown);
    return best;
}

/* Function-word votes: the best language index when it leads by at least one word, or -1. */
static int lang_words(const struct ai_tokens *tok, int *votes)
{
    int count[LATIN_LANGS] = {0};
    for (size_t i = 0; i < tok->n; i++) {
        if (tok->kind[i] != AI_TOK_WORD || tok->len[i] > 12)
            continue;
        char w[16];
        snprintf(w, sizeof w, " %.*s ", (int)tok->len[i], tok->text + tok->off[i]);
        for (int k = 0; k < LATIN_LANGS; k++)
            count[k] += strstr(function_words[k], w) != NULL;
    }
    int best = 0, second = -1;
    for (int k = 1; k < LATIN_LANGS; k++) {
        if (count[k] > count[best]) {
            second = best;
            best = k;
        } else if (second < 0 || count[k] > count[second]) {
            second = k;
        }
    }
    *votes = count[best];
    return count[best] > 0 && count[best] > count[second] ? best : -1;
}

static void put(char *out, const char *lang)
{
    snprintf(out, AI_LANG_MAX, "%s", lang);
}

/* The best libexttextcat language, computed on first use (*t is -2 until then). */
static int textcat_lazy(const char *raw, size_t len, const struct ai_tokens *tok, int *t)
{
    if (*t == -2)
        *t = lang_textcat(raw, len > AI_TEXT_MAX ? AI_TEXT_MAX : len, tok);
    return *t;
}

void ai_lang_detect(const char *raw, size_t len, const struct ai_tokens *tok, const char *hint,
                    const char *region, enum ai_lang_method method, char *out)
{
    if (tok->han > 0 && tok->han * 2 >= tok->letters) {
        put(out, "zh");
        return;
    }
    int votes = 0, t = -2; /* libexttextcat runs only when the function words do not decide */
    int w = method == AI_LANG_TEXTCAT ? -1 : lang_words(tok, &votes);
    if (method != AI_LANG_COMBINED) {
        put(out, ai_lang_name(method == AI_LANG_WORDS ? w : textcat_lazy(raw, len, tok, &t)));
        return;
    }
    bool long_text = tok->letters >= 20;
    if (hint != NULL && ai_lang_known(hint) &&
        !(w >= 0 && long_text && strcmp(ai_lang_name(w), hint) != 0 &&
          w == textcat_lazy(raw, len, tok, &t))) {
        put(out, hint);
        return;
    }
    const char *by_region = ai_lang_of_region(region);
    if (w >= 0 && (votes >= 2 || w == textcat_lazy(raw, len, tok, &t) || t < 0))
        put(out, ai_lang_name(w));
    else if (by_region != NULL && !long_text)
        put(out, by_region);
    else if (textcat_lazy(raw, len, tok, &t) >= 0)
        put(out, ai_lang_name(t));
    else
        put(out, by_region != NULL ? by_region : "und");
}
