#include "ai/urgency.h"

#include <string.h>

/* Threats, accusations and abuse: each line one pattern of words. */
static const char *const threat_words[] = {
    /* en */
    "chargeback*",
    "reverse the charge",
    "dispute*",
    "lawyer*",
    "attorney*",
    "sue",
    "legal action",
    "legal steps",
    "in court",
    "police",
    "fraud*",
    "scam*",
    "thieves",
    "you stole",
    "criminals",
    "pressing charges",
    "caught fire",
    "fire hazard",
    "burned",
    "burns",
    "overheated",
    "sparking",
    "ripped me off",
    "cut herself",
    "cut my hand",
    "exploded",
    "smoking",
    "electric shock",
    "sparks",
    "melted",
    "swallowed",
    "safety hazard",
    "dangerous",
    "consumer protection",
    "better business bureau",
    "idiot*",
    "stupid",
    "go to hell",
    "f***",
    /* es */
    "contracargo*",
    "abogad*",
    "denunci*",
    "estaf*",
    "ladron*",
    "policia",
    "fuego",
    "quemo",
    "exploto",
    "descarga electrica",
    "peligros*",
    "tribunales",
    "fraude",
    "disputa",
    "acciones legales",
    "humo",
    "chispas",
    /* de */
    "ruckbuchung*",
    "zuruckbuch*",
    "anwalt*",
    "betrug*",
    "betrog*",
    "diebe",
    "rauch",
    "funken",
    "rechtliche schritte",
    "geschnitten",
    "verklag*",
    "polizei",
    "feuer",
    "verbrannt",
    "explodiert",
    "stromschlag",
    "gefahrlich",
    "gericht",
    "anzeige",
    "abzocker",
    "vollidiot*",
    "verbraucherzentrale",
    "konflikt",
    /* fr */
    "opposition bancaire",
    "rejet de paiement",
    "avocat",
    "arnaqu*",
    "escroc*",
    "porter plainte",
    "pris feu",
    "brule",
    "explose",
    "decharge electrique",
    "dangereux",
    "tribunal",
    "poursuites",
    "voleurs",
    "incapables",
    "merde",
    "litige",
    "dgccrf",
    "fumee",
    "fumer",
    "etincelles",
    /* it */
    "storno del",
    "avvocato",
    "truff*",
    "denuncio",
    "polizia",
    "preso fuoco",
    "ustionato",
    "esploso",
    "scossa",
    "pericoloso",
    "tribunale",
    "vie legali",
    "ladri",
    "idioti",
    "contestazione",
    "frode",
    "fumare",
    "scintille",
    "tagliata",
};

static const char *const threat_han[] = {"拒付", "律师", "骗子", "着火", "烫伤",       "报警",
                                         "起诉", "争议", "误吞", "辱骂", "冒烟",       "火花",
                                         "小偷", "欺诈", "被骗", "割伤", "消费者协会", "法律",
                                         "熔化", "烧焦", "弄伤", "诈骗", "脏话"};

/* Anger and urgency without a threat. */
static const char *const urgent_words[] = {
    "urgent*",
    "asap",
    "immediately",
    "right now",
    "right away",
    "unacceptable",
    "ridiculous",
    "worst",
    "angry",
    "furious",
    "inaceptable",
    "inmediat*",
    "harto",
    "dringend",
    "sofort",
    "unverschamt",
    "inakzeptabel",
    "immediatement",
    "inadmissible",
    "inacceptable",
    "marre",
    "subito",
    "inaccettabile",
    "vergogna",
    "😡",
    "🤬",
    "😤",
    "😠",
};

static const char *const urgent_han[] = {"紧急", "马上", "立刻", "生气", "投诉"};

/* Whether pattern word p (w bytes, '*' = prefix) matches token t. */
static bool word_match(const char *p, size_t pn, const char *t, size_t tn)
{
    if (pn > 0 && p[pn - 1] == '*' && pn > 1 && p[pn - 2] != '*')
        return tn >= pn - 1 && memcmp(p, t, pn - 1) == 0;
    return tn == pn && memcmp(p, t, pn) == 0;
}

/* Whether the pattern's words match the tokens starting at token i. */
static bool pattern_at(const struct ai_tokens *tok, size_t i, const char *pat)
{
    while (*pat != '\0') {
        if (i >= tok->n)
            return false;
        const char *end = strchr(pat, ' ');
        size_t pn = end != NULL ? (size_t)(end - pat) : strlen(pat);
        if (!word_match(pat, pn, tok->text + tok->off[i], tok->len[i]))
            return false;
        pat += pn + (end != NULL);
        i++;
    }
    return true;
}

static bool any_pattern(const struct ai_tokens *tok, const char *const *pats, size_t n)
{
    for (size_t i = 0; i < tok->n; i++) {
        for (size_t k = 0; k < n; k++) {
            if (pattern_at(tok, i, pats[k]))
                return true;
        }
    }
    return false;
}

static bool any_han(const char *han, const char *const *pats, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (strstr(han, pats[k]) != NULL)
            return true;
    }
    return false;
}

void ai_flags_of(const struct ai_tokens *tok, struct ai_flags *out)
{
    char han[AI_NORM_MAX];
    size_t at = 0, bangs = 0;
    for (size_t i = 0; i < tok->n; i++) {
        if (tok->kind[i] == AI_TOK_HAN && at + tok->len[i] < sizeof han) {
            memcpy(han + at, tok->text + tok->off[i], tok->len[i]);
            at += tok->len[i];
        }
        bangs += tok->kind[i] == AI_TOK_SYMBOL && tok->text[tok->off[i]] == '!';
    }
    han[at] = '\0';
    out->threat = any_pattern(tok, threat_words, sizeof threat_words / sizeof *threat_words) ||
                  any_han(han, threat_han, sizeof threat_han / sizeof *threat_han);
    out->urgent = out->threat || bangs >= 3 ||
                  any_pattern(tok, urgent_words, sizeof urgent_words / sizeof *urgent_words) ||
                  any_han(han, urgent_han, sizeof urgent_han / sizeof *urgent_han);
}
