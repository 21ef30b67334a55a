package vn.guardian.benchmark.search;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import vn.guardian.contracts.verdict.Category;

/**
 * What the seeded transcripts say: call-centre phrases in Vietnamese (with diacritics, NFC) and English, written as
 * Vosk transcribes them (lower case, no punctuation), and abusive phrases per category. The search cases rely on
 * three of them: {@link #COMMON_VI} is in a large share of Vietnamese segments, {@link #RARE_VI} in about one
 * segment in {@link #RARE_ONE_IN}, and {@link #ABUSE_FOLDED} is the diacritics-free spelling of an insult.
 */
final class Vocabulary {

    static final String COMMON_VI = "cảm ơn";
    static final String RARE_VI = "bảo hiểm nhân thọ";
    static final int RARE_ONE_IN = 4_000;
    /** "đồ ngu" typed without diacritics: must match the insult as transcribed */
    static final String ABUSE_FOLDED = "do ngu";

    private static final List<String> CLEAN_VI = List.of(
            "xin chào anh chị", "em có thể giúp gì cho anh chị ạ", "cảm ơn anh chị đã gọi tổng đài",
            "cho em xin số điện thoại đăng ký", "tài khoản của tôi bị khóa từ hôm qua", "tôi muốn hỏi về hóa đơn tháng này",
            "đơn hàng giao chậm quá", "anh chị vui lòng chờ trong giây lát", "mã đơn hàng của tôi là",
            "tôi chưa nhận được tiền hoàn", "phí dịch vụ tháng này cao hơn", "tôi muốn đổi gói cước",
            "chuyển khoản qua ngân hàng được không", "địa chỉ giao hàng là số mười hai đường lê lợi",
            "bên em sẽ kiểm tra lại", "dạ vâng", "được rồi cảm ơn em", "không sao đâu", "chúc anh chị một ngày tốt lành",
            "tôi muốn khiếu nại", "sản phẩm bị lỗi tôi muốn đổi trả", "máy còn bảo hành không em",
            "em xác nhận lại thông tin nhé", "họ tên đầy đủ của anh chị là gì ạ", "mạng internet nhà tôi bị chập chờn",
            "kỹ thuật viên sẽ đến trong ngày mai", "tôi đã gọi ba lần rồi", "dạ em cảm ơn anh", "mật khẩu đăng nhập",
            "thẻ tín dụng của tôi bị trừ tiền hai lần", "ứng dụng báo lỗi khi thanh toán", "em đã ghi nhận yêu cầu",
            "khoảng ba ngày làm việc", "anh chị còn cần hỗ trợ gì thêm không ạ", "vâng cảm ơn chị nhiều");
    private static final List<String> CLEAN_EN = List.of(
            "hello thank you for calling", "how can i help you today", "my account is locked since yesterday",
            "i want to ask about this month's bill", "the delivery is very late", "please hold for a moment",
            "my order number is", "i have not received my refund", "the service fee went up this month",
            "i would like to change my plan", "can i pay by bank transfer", "the delivery address is twelve main street",
            "let me check that for you", "yes", "okay thank you", "no problem", "have a nice day",
            "i want to make a complaint", "the product is broken i want to return it", "is it still under warranty",
            "let me confirm your details", "may i have your full name please", "my internet keeps dropping",
            "a technician will come tomorrow", "i have called three times already", "thanks a lot",
            "my card was charged twice", "the app shows an error when i pay", "i have noted your request",
            "about three working days", "is there anything else i can help with");

    /** Abusive phrases and the lexicon term inside each (the span), by category. */
    private static final Map<Category, List<String[]>> ABUSE_VI = Map.of(
            Category.INSULT, List.of(new String[]{"đồ ngu", "đồ ngu"}, new String[]{"mày ngu như bò", "ngu như bò"},
                    new String[]{"thằng khốn nạn", "khốn nạn"}, new String[]{"óc chó thật", "óc chó"},
                    new String[]{"đồ vô dụng", "vô dụng"}),
            Category.PROFANITY, List.of(new String[]{"đéo hiểu kiểu gì", "đéo"}, new String[]{"vãi cả lồn", "lồn"},
                    new String[]{"đm cái tổng đài này", "đm"}),
            Category.VIOLENCE_OR_THREAT, List.of(new String[]{"tao giết mày", "giết mày"},
                    new String[]{"coi chừng tao đánh mày", "đánh mày"}, new String[]{"tao đốt nhà mày", "đốt nhà"}),
            Category.HARASSMENT_OR_ABUSE, List.of(new String[]{"cút đi", "cút"}, new String[]{"câm mồm lại", "câm mồm"}),
            Category.HATE_SPEECH, List.<String[]>of(new String[]{"bọn mọi rợ", "mọi rợ"}),
            Category.SEXUAL, List.<String[]>of(new String[]{"con đĩ", "con đĩ"}));
    private static final Map<Category, List<String[]>> ABUSE_EN = Map.of(
            Category.INSULT, List.of(new String[]{"you idiot", "idiot"}, new String[]{"you are so stupid", "stupid"},
                    new String[]{"what a moron", "moron"}),
            Category.PROFANITY, List.of(new String[]{"this is fucking ridiculous", "fucking"},
                    new String[]{"what the shit", "shit"}),
            Category.VIOLENCE_OR_THREAT, List.of(new String[]{"i will kill you", "kill you"},
                    new String[]{"i know where you live", "know where you live"}),
            Category.HARASSMENT_OR_ABUSE, List.<String[]>of(new String[]{"shut up", "shut up"}),
            Category.HATE_SPEECH, List.<String[]>of(new String[]{"go back to your country", "go back to your country"}),
            Category.SEXUAL, List.<String[]>of(new String[]{"you slut", "slut"}));

    private Vocabulary() {
    }

    /** One to three clean phrases, sometimes with the rare phrase. */
    static String clean(SplittableRandom random, String language) {
        List<String> phrases = language.equals("vi") ? CLEAN_VI : CLEAN_EN;
        StringBuilder text = new StringBuilder(phrases.get(random.nextInt(phrases.size())));
        int more = random.nextInt(3);
        for (int i = 0; i < more; i++) {
            text.append(' ').append(phrases.get(random.nextInt(phrases.size())));
        }
        if (language.equals("vi") && random.nextInt(RARE_ONE_IN) == 0) {
            text.append(" tôi muốn hỏi về ").append(RARE_VI);
        }
        return text.toString();
    }

    /** An abusive phrase of {@code category} and its lexicon term: {@code {phrase, term}}. */
    static String[] abuse(SplittableRandom random, String language, Category category) {
        List<String[]> phrases = (language.equals("vi") ? ABUSE_VI : ABUSE_EN).get(category);
        return phrases.get(random.nextInt(phrases.size()));
    }
}
