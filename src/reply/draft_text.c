/*
 * The reply templates, written by this project for en es de fr it. Slots: {{order}} {{case}}
 * {{case_status}} {{carrier}} {{tracking}} {{last_event}} {{event_date}} {{promised}}
 * {{refund}} (facts.h). No template holds a digit, a link or a promise: every number comes
 * from a fact, and only the "refunded" state names the refund, which the case says is paid.
 */
#include "reply/draft_text.h"

#include <string.h>

const struct reply_tmpl reply_tmpls[] = {
    /* where is my order / delivery late */
    {"track", "not_shipped", "en",
     "Hello, thank you for your message about order {{order}}. It has not shipped yet; the "
     "promised delivery date is {{promised}}. We will share the tracking number as soon as it "
     "ships."},
    {"track", "not_shipped", "es",
     "Hola, gracias por su mensaje sobre el pedido {{order}}. Todavía no ha sido enviado; la "
     "fecha de entrega prometida es {{promised}}. Le daremos el número de seguimiento en cuanto "
     "salga."},
    {"track", "not_shipped", "de",
     "Hallo, danke für Ihre Nachricht zur Bestellung {{order}}. Sie wurde noch nicht "
     "versandt; das zugesagte Lieferdatum ist {{promised}}. Wir senden Ihnen die "
     "Sendungsnummer, sobald sie unterwegs ist."},
    {"track", "not_shipped", "fr",
     "Bonjour, merci pour votre message au sujet de la commande {{order}}. Elle n'est pas "
     "encore expédiée ; la date de livraison promise est le {{promised}}. Nous vous donnerons "
     "le numéro de suivi dès son envoi."},
    {"track", "not_shipped", "it",
     "Salve, grazie per il suo messaggio sull'ordine {{order}}. Non è ancora stato spedito; la "
     "data di consegna promessa è il {{promised}}. Le daremo il numero di tracciamento appena "
     "partirà."},
    {"track", "shipped", "en",
     "Hello, thank you for your message. Your order {{order}} has shipped with {{carrier}}, "
     "tracking number {{tracking}}. The promised delivery date is {{promised}}."},
    {"track", "shipped", "es",
     "Hola, gracias por su mensaje. Su pedido {{order}} ha sido enviado con {{carrier}}, "
     "número de seguimiento {{tracking}}. La fecha de entrega prometida es {{promised}}."},
    {"track", "shipped", "de",
     "Hallo, danke für Ihre Nachricht. Ihre Bestellung {{order}} wurde mit {{carrier}} "
     "versandt, Sendungsnummer {{tracking}}. Das zugesagte Lieferdatum ist {{promised}}."},
    {"track", "shipped", "fr",
     "Bonjour, merci pour votre message. Votre commande {{order}} a été expédiée avec "
     "{{carrier}}, numéro de suivi {{tracking}}. La date de livraison promise est le "
     "{{promised}}."},
    {"track", "shipped", "it",
     "Salve, grazie per il suo messaggio. Il suo ordine {{order}} è stato spedito con "
     "{{carrier}}, numero di tracciamento {{tracking}}. La data di consegna promessa è il "
     "{{promised}}."},
    {"track", "shipped_event", "en",
     "Hello, thank you for your message. Your order {{order}} is on its way with {{carrier}}, "
     "tracking number {{tracking}}. The last update on {{event_date}} says: {{last_event}}."},
    {"track", "shipped_event", "es",
     "Hola, gracias por su mensaje. Su pedido {{order}} está en camino con {{carrier}}, número "
     "de seguimiento {{tracking}}. La última novedad del {{event_date}} dice: {{last_event}}."},
    {"track", "shipped_event", "de",
     "Hallo, danke für Ihre Nachricht. Ihre Bestellung {{order}} ist mit {{carrier}} "
     "unterwegs, Sendungsnummer {{tracking}}. Die letzte Meldung vom {{event_date}} lautet: "
     "{{last_event}}."},
    {"track", "shipped_event", "fr",
     "Bonjour, merci pour votre message. Votre commande {{order}} est en route avec "
     "{{carrier}}, numéro de suivi {{tracking}}. La dernière étape du {{event_date}} indique : "
     "{{last_event}}."},
    {"track", "shipped_event", "it",
     "Salve, grazie per il suo messaggio. Il suo ordine {{order}} è in viaggio con {{carrier}}, "
     "numero di tracciamento {{tracking}}. L'ultimo aggiornamento del {{event_date}} dice: "
     "{{last_event}}."},
    {"track", "delivered", "en",
     "Hello, thank you for your message. The carrier {{carrier}} reports your order {{order}} "
     "as delivered (tracking number {{tracking}}). Please check with neighbours and your "
     "mailbox, and tell us if you cannot find it."},
    {"track", "delivered", "es",
     "Hola, gracias por su mensaje. El transportista {{carrier}} indica que su pedido {{order}} "
     "ha sido entregado (número de seguimiento {{tracking}}). Por favor revise con los vecinos "
     "y su buzón, y díganos si no lo encuentra."},
    {"track", "delivered", "de",
     "Hallo, danke für Ihre Nachricht. Der Versanddienst {{carrier}} meldet Ihre Bestellung "
     "{{order}} als zugestellt (Sendungsnummer {{tracking}}). Bitte fragen Sie bei den Nachbarn "
     "und sehen Sie in den Briefkasten; sagen Sie uns Bescheid, wenn sie fehlt."},
    {"track", "delivered", "fr",
     "Bonjour, merci pour votre message. Le transporteur {{carrier}} indique que votre commande "
     "{{order}} est livrée (numéro de suivi {{tracking}}). Merci de vérifier auprès des voisins "
     "et dans votre boîte aux lettres, et de nous prévenir si vous ne la trouvez pas."},
    {"track", "delivered", "it",
     "Salve, grazie per il suo messaggio. Il corriere {{carrier}} indica il suo ordine "
     "{{order}} come consegnato (numero di tracciamento {{tracking}}). Per favore controlli con "
     "i vicini e nella cassetta della posta, e ci scriva se non lo trova."},
    {"track", "cancelled", "en",
     "Hello, thank you for your message. Your order {{order}} has been cancelled, so it will "
     "not be shipped."},
    {"track", "cancelled", "es",
     "Hola, gracias por su mensaje. Su pedido {{order}} ha sido cancelado, por lo que no será "
     "enviado."},
    {"track", "cancelled", "de",
     "Hallo, danke für Ihre Nachricht. Ihre Bestellung {{order}} wurde storniert und wird "
     "daher nicht versandt."},
    {"track", "cancelled", "fr",
     "Bonjour, merci pour votre message. Votre commande {{order}} a été annulée, elle ne sera "
     "donc pas expédiée."},
    {"track", "cancelled", "it",
     "Salve, grazie per il suo messaggio. Il suo ordine {{order}} è stato annullato, quindi non "
     "sarà spedito."},
    /* refund status */
    {"refund", "refunded", "en",
     "Hello, thank you for your message. For your request {{case}} on order {{order}}, the "
     "refund of {{refund}} has been paid."},
    {"refund", "refunded", "es",
     "Hola, gracias por su mensaje. Para su solicitud {{case}} del pedido {{order}}, el "
     "reembolso de {{refund}} ha sido pagado."},
    {"refund", "refunded", "de",
     "Hallo, danke für Ihre Nachricht. Für Ihre Anfrage {{case}} zur Bestellung {{order}} "
     "wurde die Erstattung von {{refund}} ausgezahlt."},
    {"refund", "refunded", "fr",
     "Bonjour, merci pour votre message. Pour votre demande {{case}} sur la commande {{order}}, "
     "le remboursement de {{refund}} a été versé."},
    {"refund", "refunded", "it",
     "Salve, grazie per il suo messaggio. Per la sua richiesta {{case}} sull'ordine {{order}}, "
     "il rimborso di {{refund}} è stato pagato."},
    {"refund", "pending", "en",
     "Hello, thank you for your message. Your request {{case}} for order {{order}} is being "
     "handled; its status is: {{case_status}}. We will write to you when it changes."},
    {"refund", "pending", "es",
     "Hola, gracias por su mensaje. Su solicitud {{case}} del pedido {{order}} está en "
     "trámite; su estado es: {{case_status}}. Le escribiremos cuando cambie."},
    {"refund", "pending", "de",
     "Hallo, danke für Ihre Nachricht. Ihre Anfrage {{case}} zur Bestellung {{order}} wird "
     "bearbeitet; der Status ist: {{case_status}}. Wir schreiben Ihnen, sobald er sich ändert."},
    {"refund", "pending", "fr",
     "Bonjour, merci pour votre message. Votre demande {{case}} pour la commande {{order}} est "
     "en cours ; son statut est : {{case_status}}. Nous vous écrirons dès qu'il change."},
    {"refund", "pending", "it",
     "Salve, grazie per il suo messaggio. La sua richiesta {{case}} per l'ordine {{order}} è in "
     "lavorazione; lo stato è: {{case_status}}. Le scriveremo quando cambia."},
    /* return request */
    {"return", "any", "en",
     "Hello, thank you for your message. We have your return request {{case}} for order "
     "{{order}}; its status is: {{case_status}}."},
    {"return", "any", "es",
     "Hola, gracias por su mensaje. Hemos recibido su solicitud de devolución {{case}} del "
     "pedido {{order}}; su estado es: {{case_status}}."},
    {"return", "any", "de",
     "Hallo, danke für Ihre Nachricht. Wir haben Ihre Rücksendeanfrage {{case}} zur Bestellung "
     "{{order}}; der Status ist: {{case_status}}."},
    {"return", "any", "fr",
     "Bonjour, merci pour votre message. Nous avons votre demande de retour {{case}} pour la "
     "commande {{order}} ; son statut est : {{case_status}}."},
    {"return", "any", "it",
     "Salve, grazie per il suo messaggio. Abbiamo la sua richiesta di reso {{case}} per "
     "l'ordine {{order}}; lo stato è: {{case_status}}."},
    /* cancellation and address change */
    {"cancel", "not_shipped", "en",
     "Hello, thank you for your message. We have your cancellation request for order {{order}}; "
     "its status is: {{case_status}}."},
    {"cancel", "not_shipped", "es",
     "Hola, gracias por su mensaje. Hemos recibido su solicitud de cancelación del pedido "
     "{{order}}; su estado es: {{case_status}}."},
    {"cancel", "not_shipped", "de",
     "Hallo, danke für Ihre Nachricht. Wir haben Ihre Stornierungsanfrage zur Bestellung "
     "{{order}}; der Status ist: {{case_status}}."},
    {"cancel", "not_shipped", "fr",
     "Bonjour, merci pour votre message. Nous avons votre demande d'annulation pour la commande "
     "{{order}} ; son statut est : {{case_status}}."},
    {"cancel", "not_shipped", "it",
     "Salve, grazie per il suo messaggio. Abbiamo la sua richiesta di annullamento per "
     "l'ordine {{order}}; lo stato è: {{case_status}}."},
    {"shipped_already", "shipped", "en",
     "Hello, thank you for your message. Your order {{order}} has already shipped with "
     "{{carrier}}, tracking number {{tracking}}, so we can no longer change it."},
    {"shipped_already", "shipped", "es",
     "Hola, gracias por su mensaje. Su pedido {{order}} ya ha sido enviado con {{carrier}}, "
     "número de seguimiento {{tracking}}, por lo que ya no podemos cambiarlo."},
    {"shipped_already", "shipped", "de",
     "Hallo, danke für Ihre Nachricht. Ihre Bestellung {{order}} wurde bereits mit {{carrier}} "
     "versandt, Sendungsnummer {{tracking}}; daher können wir sie nicht mehr ändern."},
    {"shipped_already", "shipped", "fr",
     "Bonjour, merci pour votre message. Votre commande {{order}} a déjà été expédiée avec "
     "{{carrier}}, numéro de suivi {{tracking}} ; nous ne pouvons donc plus la modifier."},
    {"shipped_already", "shipped", "it",
     "Salve, grazie per il suo messaggio. Il suo ordine {{order}} è già stato spedito con "
     "{{carrier}}, numero di tracciamento {{tracking}}, quindi non possiamo più modificarlo."},
    {"address", "not_shipped", "en",
     "Hello, thank you for your message. Your order {{order}} has not shipped yet. Please "
     "change the delivery address on the order page in the Temu app."},
    {"address", "not_shipped", "es",
     "Hola, gracias por su mensaje. Su pedido {{order}} todavía no ha sido enviado. Por favor "
     "cambie la dirección de entrega en la página del pedido en la app de Temu."},
    {"address", "not_shipped", "de",
     "Hallo, danke für Ihre Nachricht. Ihre Bestellung {{order}} wurde noch nicht versandt. "
     "Bitte ändern Sie die Lieferadresse auf der Bestellseite in der Temu-App."},
    {"address", "not_shipped", "fr",
     "Bonjour, merci pour votre message. Votre commande {{order}} n'est pas encore expédiée. "
     "Merci de modifier l'adresse de livraison sur la page de la commande dans l'app Temu."},
    {"address", "not_shipped", "it",
     "Salve, grazie per il suo messaggio. Il suo ordine {{order}} non è ancora stato spedito. "
     "Per favore modifichi l'indirizzo di consegna nella pagina dell'ordine nell'app Temu."},
    /* invoice, product question, thanks */
    {"invoice", "any", "en",
     "Hello, thank you for your message. We have your invoice request for order {{order}} and "
     "will prepare the invoice for you."},
    {"invoice", "any", "es",
     "Hola, gracias por su mensaje. Hemos recibido su solicitud de factura del pedido "
     "{{order}} y la prepararemos para usted."},
    {"invoice", "any", "de",
     "Hallo, danke für Ihre Nachricht. Wir haben Ihre Rechnungsanfrage zur Bestellung "
     "{{order}} und bereiten die Rechnung für Sie vor."},
    {"invoice", "any", "fr",
     "Bonjour, merci pour votre message. Nous avons votre demande de facture pour la commande "
     "{{order}} et nous la préparons pour vous."},
    {"invoice", "any", "it",
     "Salve, grazie per il suo messaggio. Abbiamo la sua richiesta di fattura per l'ordine "
     "{{order}} e la prepareremo per lei."},
    {"question", "any", "en",
     "Hello, thank you for your question about order {{order}}. We are checking the details "
     "and will answer you shortly."},
    {"question", "any", "es",
     "Hola, gracias por su pregunta sobre el pedido {{order}}. Estamos revisando los detalles y "
     "le responderemos pronto."},
    {"question", "any", "de",
     "Hallo, danke für Ihre Frage zur Bestellung {{order}}. Wir prüfen die Details und "
     "antworten Ihnen in Kürze."},
    {"question", "any", "fr",
     "Bonjour, merci pour votre question sur la commande {{order}}. Nous vérifions les détails "
     "et vous répondrons rapidement."},
    {"question", "any", "it",
     "Salve, grazie per la sua domanda sull'ordine {{order}}. Stiamo controllando i dettagli e "
     "le risponderemo presto."},
    {"thanks", "any", "en",
     "Hello, thank you for your message about order {{order}}. We are glad "
     "to help."},
    {"thanks", "any", "es",
     "Hola, gracias por su mensaje sobre el pedido {{order}}. Es un placer "
     "ayudarle."},
    {"thanks", "any", "de",
     "Hallo, danke für Ihre Nachricht zur Bestellung {{order}}. Wir helfen "
     "Ihnen gern."},
    {"thanks", "any", "fr",
     "Bonjour, merci pour votre message sur la commande {{order}}. Nous "
     "sommes heureux de vous aider."},
    {"thanks", "any", "it",
     "Salve, grazie per il suo messaggio sull'ordine {{order}}. Siamo "
     "felici di aiutarla."},
};

const size_t reply_tmpls_count = sizeof reply_tmpls / sizeof reply_tmpls[0];

/* Case state words: code, then en es de fr it. */
static const char *const reply_status_words[][6] = {
    {"open", "open", "abierta", "offen", "ouverte", "aperta"},
    {"refunded", "paid out", "pagada", "ausgezahlt", "versée", "pagata"},
    {"cancelled", "cancelled", "cancelada", "storniert", "annulée", "annullata"},
    {"rejected", "declined", "rechazada", "abgelehnt", "refusée", "respinta"},
    {"under_review", "under review", "en revisión", "in Prüfung", "en cours d'examen",
     "in revisione"},
    {"return_requested", "return requested", "devolución solicitada", "Rücksendung beantragt",
     "retour demandé", "reso richiesto"},
};

const char *reply_case_status_label(const char *code, const char *lang)
{
    static const char *const langs[] = {"en", "es", "de", "fr", "it"};
    for (size_t i = 0; i < sizeof reply_status_words / sizeof reply_status_words[0]; i++) {
        if (strcmp(reply_status_words[i][0], code) != 0)
            continue;
        for (size_t l = 0; l < 5; l++) {
            if (strcmp(langs[l], lang) == 0)
                return reply_status_words[i][l + 1];
        }
    }
    return NULL;
}
