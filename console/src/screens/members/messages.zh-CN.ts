/** The Members screen's messages in Chinese (`members.*` in the catalogue), and the error codes it shows. */
export const membersZhCN = {
  title: '会员',
};

/** Error codes (problem+json `code`) this screen's actions may meet: `errors.<code>`. */
export const membersErrorsZhCN = {};
