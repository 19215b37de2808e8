#include "ai/urgency.h"

#include <string.h>

/*
 * Threats, accusations and abuse, one string per language, patterns separated by '|': the
 * vocabulary of the seed set's escalate lines and the standard forms of the same five kinds
 * (payment disputes, legal action, safety hazards, fraud accusations, insults).
 */
static const char *const threat_words[] = {
    /* en */
    "chargeback*|charge back|reverse the charge|dispute*|lawyer*|attorney*|solicitor|sue|sues|"
    "sued|suing|lawsuit|legal action|legal steps|legal matter|in court|small claims|police|"
    "fraud*|scam*|thief|thieves|you stole|criminal*|pressing charges|ripped me off|claw back|"
    "caught fire|on fire|fire hazard|burned|burns|burnt|overheated|sparking|sparks|exploded|"
    "smoking|electric shock|melted|swallowed|poisoned|injured|cut herself|cut himself|"
    "cut my hand|safety hazard|dangerous|consumer protection|trading standards|"
    "better business bureau|idiot*|moron*|stupid|imbecile*|pathetic|losers|clowns|"
    "go to hell|f***|fuck*|crooks|liars|scalded|set my room on fire|got hurt|unsafe|"
    "opened a case with my bank|call my bank|calling my bank|contact my bank|contacting my bank|"
    "paypal claim|claim with paypal|case with paypal|bank dispute|credit card company|ftc|bbb|"
    "attorney general|authorities|scammer*|ripoff|rip off|con artist*|allergic reaction|choked|"
    "choking|"
    "toxic|fumes|electrocut*|shocked when|got shocked|screw you",
    /* es */
    "contracargo*|abogad*|denunci*|demandar|demandare|demandaremos|tribunal*|juzgado|acciones "
    "legales|"
    "tema legal|justicia|estaf*|fraude|ladron*|policia|disputa|fuego|incendio|humo|chispas|"
    "quemo|quemado|quemadura*|exploto|derritio|descarga electrica|peligros*|sinverguenza*|"
    "idiota*|imbecil*|estupido*|es un robo|reclamacion con mi banco|peligro|incendia|"
    "timo|timador*|reaccion alergica|atragant*|toxic*|ocu|llamo a mi banco|electrocut*|"
    "me dio una descarga",
    /* de */
    "ruckbuchung*|zuruckbuch*|anwalt*|rechtsanwalt*|verklag*|gericht|anzeige|rechtliche schritte|"
    "betrug*|betrog*|betruger*|abzock*|diebe|polizei|angefochten|konflikt|feuer|gebrannt|"
    "verbrannt|rauch|funken|explodiert|geschmolzen|stromschlag|lebensgefahr|gefahrlich|"
    "verletzt|geschnitten|verbraucherzentrale|verbraucherschutz*|idiot*|vollidiot*|unfahig*|"
    "gauner|abgezockt|abgefackelt|strafanzeige|gemeingefahrlich|ist diebstahl|widerspruch "
    "eingelegt|kauferschutz|paypal fall|allergische reaktion|allergisch "
    "reagiert|verschluckt|erstickt|giftig|arschloch*|"
    "bundesnetzagentur|schlichtungsstelle",
    /* fr */
    "opposition bancaire|rejet de paiement|conteste le paiement|litige|avocat*|tribunal|justice|"
    "poursuite*|porter plainte|porte plainte|arnaqu*|escroc*|voleur*|police|dgccrf|pris feu|brule*|"
    "fumee|fumer|etincelles|explose|fondu|decharge electrique|dangereu*|blesse*|menteurs|"
    "incapables|idiot*|connard*|merde|mettre le feu|depose une plainte|danger public|"
    "dossier contre vous|opposition|aupres de ma banque|reaction allergique|etouff*|toxique|"
    "ufc|escroquerie|pris une decharge",
    /* it */
    "chargeback|storno del|stornare|contestazione|avvocat*|tribunale|vie legali|faro causa|"
    "faccio causa|fare causa|denunc*|truff*|frode|ladri|polizia|preso fuoco|fumare|fumo|"
    "scintille|esploso|bruciato|ustion*|scossa|pericolos*|fatto male|tagliata|bugiardi|"
    "idiot*|incompetenti|imbroglion*|derubato|incendiare|un furto|pericolo|pratica contro|"
    "agcm|altroconsumo|codacons|reazione allergica|soffoc*|tossic*|stronz*|cretin*|"
    "chiamo la banca|con la banca",
};

static const char *const threat_han[] = {
    "拒付", "律师", "骗子",       "着火",   "起火",     "烫伤", "报警", "起诉", "争议",
    "误吞", "辱骂", "冒烟",       "火花",   "小偷",     "欺诈", "被骗", "割伤", "消费者协会",
    "法律", "熔化", "烧焦",       "弄伤",   "诈骗",     "脏话", "爆炸", "触电", "骗钱",
    "烧了", "索赔", "向银行投诉", "过敏了", "过敏反应", "噎住", "窒息", "有毒", "工商局"};

/* Anger and urgency without a threat. */
static const char *const urgent_words[] = {
    "urgent*|asap|immediately|right now|right away|unacceptable|ridiculous|worst|angry|furious|"
    "inaceptable|inmediat*|harto|dringend|sofort|unverschamt|inakzeptabel|immediatement|"
    "inadmissible|inacceptable|marre|subito|inaccettabile|vergogna|😡|🤬|😤|😠",
};

static const char *const urgent_han[] = {"紧急", "马上", "立刻", "生气", "投诉"};

/* Whether pattern word p (w bytes, '*' = prefix) matches token t. */
static bool word_match(const char *p, size_t pn, const char *t, size_t tn)
{
    if (pn > 0 && p[pn - 1] == '*' && pn > 1 && p[pn - 2] != '*')
        return tn >= pn - 1 && memcmp(p, t, pn - 1) == 0;
    return tn == pn && memcmp(p, t, pn) == 0;
}

/* Whether the pattern's words (up to '|' or the end) match the tokens starting at token i. */
static bool pattern_at(const struct ai_tokens *tok, size_t i, const char *pat, const char *end)
{
    while (pat < end) {
        if (i >= tok->n)
            return false;
        const char *sp = memchr(pat, ' ', (size_t)(end - pat));
        size_t pn = sp != NULL ? (size_t)(sp - pat) : (size_t)(end - pat);
        if (!word_match(pat, pn, tok->text + tok->off[i], tok->len[i]))
            return false;
        pat += pn + (sp != NULL);
        i++;
    }
    return true;
}

/* Whether any '|'-separated pattern of the lists matches somewhere in the tokens. */
static bool any_pattern(const struct ai_tokens *tok, const char *const *lists, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        for (const char *p = lists[k]; *p != '\0';) {
            const char *bar = strchr(p, '|');
            const char *end = bar != NULL ? bar : p + strlen(p);
            for (size_t i = 0; i < tok->n; i++) {
                if (pattern_at(tok, i, p, end))
                    return true;
            }
            p = bar != NULL ? bar + 1 : end;
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
