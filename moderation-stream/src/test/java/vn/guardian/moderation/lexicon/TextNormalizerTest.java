package vn.guardian.moderation.lexicon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextNormalizerTest {

    @Test
    void keepsOffsetsIntoTheOriginalTextAndExpandsContractions() {
        String text = "You're  an IDIOT, I'll find you!";
        List<Token> tokens = TextNormalizer.tokenize(text);

        assertThat(tokens).extracting(Token::exact)
                .containsExactly("you", "are", "an", "idiot", "i", "will", "find", "you");
        Token idiot = tokens.get(3);
        assertThat(text.substring(idiot.start(), idiot.end())).isEqualTo("IDIOT");
        assertThat(text.substring(tokens.get(1).start(), tokens.get(1).end())).isEqualTo("You're");
    }

    @Test
    void squeezesElongatedWordsAndFoldsVietnameseDiacritics() {
        Token stupid = TextNormalizer.tokenize("stuuupid").get(0);
        assertThat(stupid.elongated()).isTrue();
        assertThat(stupid.squeezed()).isEqualTo("stupid");
        assertThat(TextNormalizer.tokenize("kill").get(0).elongated()).isFalse();

        Token dit = TextNormalizer.tokenize("Địt").get(0);
        assertThat(dit.exact()).isEqualTo("địt");
        assertThat(dit.folded()).isEqualTo("dit");
        assertThat(dit.plain()).isFalse();
    }

    @Test
    void composesDecomposedVietnameseSoOffsetsStillPointAtTheOriginal() {
        String decomposed = java.text.Normalizer.normalize("mày ngu", java.text.Normalizer.Form.NFD);
        List<Token> tokens = TextNormalizer.tokenize(decomposed);

        assertThat(tokens).extracting(Token::exact).containsExactly("mày", "ngu");
        assertThat(tokens.get(1).end()).isEqualTo(decomposed.length());
    }
}
