// The letter editor's words in the bot's languages (en, hy, ru), picked by the language the
// supporter chose in the bot, else their Telegram app's. {min}, {max}, {n} are filled in.
"use strict";

const EditorTexts = {
  en: {
    title: "Your letter",
    loading: "Loading…",
    to: "To:",
    own_words: "In your own words:",
    score_help:
      "The share of the letter in your own words rather than the campaign's template. " +
      "Offices notice personal letters more: a story of your own raises it.",
    edited_note: "This is your own version of the letter.",
    save: "Save",
    saving: "Saving…",
    reset: "Back to the drafted text",
    reset_confirm: "Tap again: your changes will be lost",
    saved: "Saved. The letter in the chat shows it now.",
    saved_no_chat: "Saved, but the message in the chat could not be updated.",
    reset_done: "The drafted text is back.",
    count: "{n} / {max} characters",
    letter_too_short: "The letter is too short: at least {min} characters.",
    too_long: "The letter is too long: at most {max} characters.",
    not_found:
      "This letter is not yours, or it no longer exists. Open the editor from your letter in the chat.",
    sent: "This letter is marked sent, so it stays as it went and can no longer be edited.",
    no_answers: "The answers this letter was written from are no longer kept: it cannot be edited.",
    campaign_gone: "This letter's campaign is no longer run by the bot: it cannot be edited.",
    expired: "This page has expired or could not be checked. Open it again from Telegram.",
    no_letter: "Which letter? Open the editor with the Edit button under a letter in the chat.",
    failed: "That did not work. Please try again.",
  },
  hy: {
    title: "Ձեր նամակը",
    loading: "Բեռնվում է…",
    to: "Հասցեատեր՝",
    own_words: "Ձեր սեփական խոսքերով՝",
    score_help:
      "Նամակի այն մասը, որը գրված է Ձեր սեփական խոսքերով, և ոչ թե արշավի ձևանմուշով։ " +
      "Գրասենյակներում անձնական նամակներն ավելի են նկատում․ Ձեր սեփական պատմությունը մեծացնում է այդ մասը։",
    edited_note: "Սա նամակի Ձեր տարբերակն է։",
    save: "Պահպանել",
    saving: "Պահպանվում է…",
    reset: "Վերադարձնել սկզբնական տեքստը",
    reset_confirm: "Սեղմեք կրկին. Ձեր փոփոխությունները կկորչեն",
    saved: "Պահպանված է։ Զրույցի նամակն արդեն թարմացված է։",
    saved_no_chat: "Պահպանված է, բայց զրույցի հաղորդագրությունը չհաջողվեց թարմացնել։",
    reset_done: "Սկզբնական տեքստը վերադարձված է։",
    count: "{n} / {max} նիշ",
    letter_too_short: "Նամակը չափազանց կարճ է. առնվազն {min} նիշ։",
    too_long: "Նամակը չափազանց երկար է. առավելագույնը {max} նիշ։",
    not_found:
      "Այս նամակը Ձերը չէ կամ այլևս գոյություն չունի։ Բացեք խմբագրիչը զրույցում Ձեր նամակից։",
    sent: "Այս նամակը նշված է որպես ուղարկված, ուստի այն այլևս հնարավոր չէ խմբագրել։",
    no_answers: "Այն պատասխանները, որոնցից գրվել է նամակը, այլևս չեն պահվում. այն հնարավոր չէ խմբագրել։",
    campaign_gone: "Բոտն այլևս չի վարում այս նամակի արշավը․ այն հնարավոր չէ խմբագրել։",
    expired: "Էջի ժամկետը լրացել է, կամ այն չհաջողվեց ստուգել։ Բացեք այն կրկին Telegram-ից։",
    no_letter: "Ո՞ր նամակը։ Բացեք խմբագրիչը զրույցում նամակի տակի «Խմբագրել» կոճակով։",
    failed: "Չստացվեց։ Խնդրում ենք փորձել կրկին։",
  },
  ru: {
    title: "Ваше письмо",
    loading: "Загрузка…",
    to: "Кому:",
    own_words: "Вашими словами:",
    score_help:
      "Доля письма, написанная вашими словами, а не по шаблону кампании. " +
      "В офисах личные письма замечают лучше: ваша собственная история повышает эту долю.",
    edited_note: "Это ваша версия письма.",
    save: "Сохранить",
    saving: "Сохраняем…",
    reset: "Вернуть исходный текст",
    reset_confirm: "Нажмите ещё раз: ваши изменения пропадут",
    saved: "Сохранено. Письмо в чате обновлено.",
    saved_no_chat: "Сохранено, но обновить сообщение в чате не удалось.",
    reset_done: "Исходный текст возвращён.",
    count: "{n} / {max} символов",
    letter_too_short: "Письмо слишком короткое: не меньше {min} символов.",
    too_long: "Письмо слишком длинное: не больше {max} символов.",
    not_found: "Это письмо не ваше, или его больше нет. Откройте редактор из своего письма в чате.",
    sent: "Это письмо отмечено как отправленное, поэтому изменить его уже нельзя.",
    no_answers: "Ответы, по которым написано это письмо, больше не хранятся: изменить его нельзя.",
    campaign_gone: "Кампанию этого письма бот больше не ведёт: изменить его нельзя.",
    expired: "Страница устарела или не прошла проверку. Откройте её снова из Telegram.",
    no_letter: "Какое письмо? Откройте редактор кнопкой под письмом в чате.",
    failed: "Не получилось. Попробуйте ещё раз.",
  },
};
