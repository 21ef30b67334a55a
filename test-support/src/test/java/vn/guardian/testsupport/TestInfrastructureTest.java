package vn.guardian.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import vn.guardian.contracts.Topics;

class TestInfrastructureTest {

    @Test
    void theBrokerStartsWithEveryProductTopic() throws Exception {
        try (TestKafka kafka = TestKafka.start(); Admin admin = kafka.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(Topics.ALL);
        }
    }

    @Test
    void postgresAnswersQueriesOnTheGuardianDatabase() throws Exception {
        try (TestPostgres postgres = TestPostgres.start();
             Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD);
             ResultSet result = connection.createStatement().executeQuery("select current_database()")) {
            result.next();
            assertThat(result.getString(1)).isEqualTo(TestPostgres.DATABASE);
        }
    }
}
